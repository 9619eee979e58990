/**
 * `deno task load --chaos` end to end: the real system (every service its own process on RabbitMQ,
 * reading the flag file in its data folder, the kitchen preparing by itself) under a short load while
 * the run switches every failure flag on and off. Every order must end in a state that fits what its
 * shopper did (a payment declined on purpose ends cancelled), and every flag must have fired at least
 * once, which each process says in the warning it logs the first time a flag fires
 * (`services/common/flags/fired.ts`).
 */
import assert from "node:assert/strict";
import { startSystem } from "../../tests/system.ts";
import { FIRST_FIRING_MSG } from "../../services/common/flags/fired.ts";
import { allOff, readFlags } from "../../services/common/flags/flag_file.ts";
import { type FlagKey, FLAGS } from "../../services/common/flags/keys.ts";
import type { Report } from "./report.ts";

const ENTRY = new URL("../load.ts", import.meta.url).pathname;

/** The flags each process said it fired, from its log lines. */
function firedFlags(lines: readonly string[]): Set<string> {
  const fired = new Set<string>();
  for (const line of lines) {
    if (!line.includes(FIRST_FIRING_MSG)) continue;
    try {
      const entry = JSON.parse(line.slice(line.indexOf("{"))) as { msg?: string; flag?: string };
      if (entry.msg === FIRST_FIRING_MSG && entry.flag) fired.add(entry.flag);
    } catch {
      // not a log line of ours
    }
  }
  return fired;
}

Deno.test("deno task load --chaos against the real system: every flag fires, and every order ends where it should", async () => {
  const flagsDir = await Deno.makeTempDir({ prefix: "oms-chaos-" });
  const flagsFile = `${flagsDir}/flags.json`;
  const sys = await startSystem({
    env: { KITCHEN_AUTO_PREP: "true", KITCHEN_PREP_MS: "50", OMS_FLAGS_FILE: flagsFile },
  });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        ENTRY,
        "--url",
        sys.url,
        "--duration",
        "12",
        "--concurrency",
        "4",
        "--chaos",
        "--flags-file",
        flagsFile,
        "--wait",
        "15",
        "--json",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `exit code\n${stderr}\n${stdout}`);
    const report: Report = JSON.parse(stdout);

    assert.ok(report.orders.placed > 0, "orders were placed");
    assert.equal(report.check.ok, true, JSON.stringify(report.check.problems));
    assert.deepEqual(report.check.problems, []);
    assert.equal(report.check.checked, report.orders.placed, "every order the run made was checked");
    for (const state of Object.keys(report.check.byState)) {
      assert.ok(["paid", "preparing", "ready", "completed", "cancelled"].includes(state), state);
    }

    // the run switched every flag, then turned them all off
    assert.deepEqual(report.chaos?.failures, []);
    const switched = new Set(report.chaos?.scenes.flatMap((s) => Object.keys(s.flags)));
    assert.deepEqual([...switched].sort(), Object.keys(FLAGS).sort());
    assert.deepEqual((await readFlags(flagsFile)).values, allOff());

    const fired = new Set<string>();
    const byProcess: Record<string, string[]> = {};
    for (const [name, proc] of Object.entries(sys.procs)) {
      const mine = firedFlags(proc.lines);
      byProcess[name] = [...mine];
      for (const f of mine) fired.add(f);
    }
    const missing = (Object.keys(FLAGS) as FlagKey[]).filter((f) => !fired.has(f));
    assert.deepEqual(missing, [], `flags that never fired; fired by process: ${JSON.stringify(byProcess)}`);
    // each flag fired where it acts
    assert.ok(byProcess.payments!.includes("paymentDeclineRate"));
    assert.ok(byProcess.payments!.includes("paymentProviderLatencyMs"));
    assert.ok(byProcess.stock!.includes("stockSlowMs") && byProcess.stock!.includes("stockUnavailable"));
    assert.ok(byProcess.kitchen!.includes("kitchenConsumerFailureRate"));
  } finally {
    await sys.stop();
    await Deno.remove(flagsDir, { recursive: true }).catch(() => {});
  }
});
