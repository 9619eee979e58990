import assert from "node:assert/strict";
import { freePort } from "../../launcher.ts";
import { profileTotals } from "./cpuprofile.ts";
import { pickWebSocketUrl } from "./inspector.ts";
import { startProfile } from "./profiler.ts";

Deno.test("the debugger address is the first target's webSocketDebuggerUrl", () => {
  assert.equal(pickWebSocketUrl([{ title: "x" }, { webSocketDebuggerUrl: "ws://h:1/a" }]), "ws://h:1/a");
  assert.throws(() => pickWebSocketUrl([]), /No inspector target/);
  assert.throws(() => pickWebSocketUrl({ error: 1 }), /No inspector target/);
});

Deno.test("a process under --inspect is profiled through its inspector: its busy time is sampled", async () => {
  const hostPort = `127.0.0.1:${freePort()}`;
  const code = "function spin(){const e=Date.now()+20;let x=0;while(Date.now()<e)x++;return x}" +
    "setInterval(spin,25)";
  const file = await Deno.makeTempFile({ suffix: ".js" });
  await Deno.writeTextFile(file, code);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", `--inspect=${hostPort}`, file],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const rec = await startProfile(hostPort, 500);
    await new Promise((r) => setTimeout(r, 600));
    const profile = await rec.stop();
    const totals = profileTotals(profile);
    // spin() keeps the thread busy ~80% of the time
    assert.ok(totals.busyUs > 200_000, `busy ${totals.busyUs} µs of ${totals.totalUs}`);
    assert.ok(totals.idleUs > 0, "idle time is marked as (idle)");
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(file);
  }
});
