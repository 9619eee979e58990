import assert from "node:assert/strict";
import { readThreadCpu, threadCpuDelta, threadKind } from "./threads.ts";

Deno.test("threadKind tells Deno's threads apart by the names Deno 2.9 gives them", () => {
  assert.equal(threadKind("deno\n"), "js");
  assert.equal(threadKind("sw-0"), "kv");
  assert.equal(threadKind("sw-12"), "kv");
  assert.equal(threadKind("V8 DefaultWorke"), "v8");
  assert.equal(threadKind("tokio-runtime-w"), "io");
  assert.equal(threadKind("swapper"), "other");
  assert.equal(threadKind("sw-"), "other");
});

Deno.test("threadCpuDelta sums what each kind spent, counting new threads from zero and leaving out gone ones", () => {
  const before = new Map([
    [1, { kind: "js" as const, cpuS: 10 }],
    [2, { kind: "kv" as const, cpuS: 1 }],
    [3, { kind: "v8" as const, cpuS: 5 }],
  ]);
  const after = new Map([
    [1, { kind: "js" as const, cpuS: 12.5 }],
    [2, { kind: "kv" as const, cpuS: 1.75 }],
    [4, { kind: "v8" as const, cpuS: 0.5 }], // new; thread 3 is gone
    [5, { kind: "io" as const, cpuS: 0.25 }],
  ]);
  assert.deepEqual(threadCpuDelta(before, after), { js: 2.5, kv: 0.75, v8: 0.5, io: 0.25, other: 0 });
});

/**
 * A `deno run` process (as the bench's processes are; `deno test` runs tests' JavaScript on another
 * thread) that opens a KV store, says "ready", spends ~300 ms in JavaScript and makes 400 commits, says
 * "done", and exits when its stdin closes.
 */
const CHILD = `
const kv = await Deno.openKv(Deno.args[0]);
const say = (s) => Deno.stdout.writeSync(new TextEncoder().encode(s + "\\n"));
say("ready");
await new Promise((r) => setTimeout(r, 200));
let x = 0;
const until = performance.now() + 300;
while (performance.now() < until) for (let i = 0; i < 1e5; i++) x += i % 7;
for (let i = 0; i < 400; i++) await kv.atomic().set(["k", i], "v".repeat(200)).set(["i", i], x).commit();
say("done");
for await (const _ of Deno.stdin.readable) { /* until the parent closes it */ }
kv.close();
`;

Deno.test("readThreadCpu of a deno run process puts its JavaScript on the JS thread and its KV commits on a KV thread", async () => {
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--unstable-kv", CHILD, `${dir}/threads.sqlite3`],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const next = async () => (await lines.read()).value?.trim();
  try {
    assert.equal(await next(), "ready");
    const before = readThreadCpu(child.pid);
    assert.ok([...before.values()].some((t) => t.kind === "kv"), "an sw-<n> thread once a store is open");
    assert.equal(await next(), "done");
    const spent = threadCpuDelta(before, readThreadCpu(child.pid));
    assert.ok(
      spent.js >= 0.15,
      `JS thread ${spent.js} s after ~300 ms of JavaScript: ${JSON.stringify(spent)}`,
    );
    assert.ok(spent.kv > 0, `KV SQLite thread ${spent.kv} s after 400 commits: ${JSON.stringify(spent)}`);
  } finally {
    await child.stdin.close();
    await lines.cancel();
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readThreadCpu of a process that is gone is empty", () => {
  assert.equal(readThreadCpu(2 ** 22 + 12345).size, 0);
});
