import assert from "node:assert/strict";
import { parseProcStat, readCpuTimes, waitForQuiet } from "./quiet.ts";

Deno.test("parseProcStat: busy is everything but idle and iowait, over the aggregate line", () => {
  const text = [
    "cpu  100 5 50 800 20 3 2 0 0 0",
    "cpu0 50 2 25 400 10 1 1 0 0 0",
    "intr 12345",
  ].join("\n");
  assert.deepEqual(parseProcStat(text), { busy: 160, total: 980 });
  assert.throws(() => parseProcStat("intr 1\n"), /No aggregate cpu line/);
  assert.throws(() => parseProcStat("cpu  1 2 x 4 5\n"), /Bad \/proc\/stat cpu line/);
});

Deno.test("readCpuTimes reads this machine's counters, which only grow", async () => {
  const a = readCpuTimes();
  await new Promise((r) => setTimeout(r, 50));
  const b = readCpuTimes();
  assert.ok(a.total > 0 && a.busy >= 0 && a.busy <= a.total, JSON.stringify(a));
  assert.ok(b.total >= a.total && b.busy >= a.busy);
});

/** A reader that plays windows of the given idle shares (100 jiffies each). */
function windows(idles: number[]) {
  let busy = 0;
  let total = 0;
  let i = -1;
  return () => {
    if (i >= 0) {
      const idle = idles[Math.min(i, idles.length - 1)]!;
      busy += Math.round(100 * (1 - idle));
      total += 100;
    }
    i++;
    return { busy, total };
  };
}

Deno.test("waitForQuiet returns at the first window idle enough, saying how long it waited", async () => {
  const slept: number[] = [];
  const res = await waitForQuiet({
    read: windows([0.2, 0.5, 0.95, 0.1]),
    sleep: (ms) => Promise.resolve(void slept.push(ms)),
  });
  assert.deepEqual(res, { quiet: true, idle: 0.95, waitedMs: 3000 });
  assert.deepEqual(slept, [1000, 1000, 1000]);
});

Deno.test("waitForQuiet gives up at its time limit, saying the machine never got quiet", async () => {
  const res = await waitForQuiet({
    read: windows([0.3]),
    sleep: () => Promise.resolve(),
    windowMs: 500,
    timeoutMs: 2000,
    minIdle: 0.8,
  });
  assert.equal(res.quiet, false);
  assert.equal(res.waitedMs, 2000);
  assert.ok(Math.abs(res.idle - 0.3) < 1e-9);
});
