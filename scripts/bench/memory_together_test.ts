import assert from "node:assert/strict";
import {
  MemoryPeaks,
  parseSmapsRollup,
  readRollup,
  type RollupKb,
  sampleTogether,
  sharedOnceKb,
} from "./memory_together.ts";

const ROLLUP = `5583a0000000-7ffc3b7fe000 ---p 00000000 00:00 0                          [rollup]
Rss:              163840 kB
Pss:              130000 kB
Pss_Dirty:         90000 kB
Shared_Clean:      47000 kB
Shared_Dirty:       1000 kB
Private_Clean:      2840 kB
Private_Dirty:    113000 kB
Referenced:       160000 kB
Anonymous:        114000 kB
Swap:                  0 kB
`;

Deno.test("a smaps_rollup's RSS splits into the pages shared with other processes and its own", () => {
  assert.deepEqual(parseSmapsRollup(ROLLUP), { rss: 163840, shared: 48000, private: 115840 });
  assert.deepEqual(parseSmapsRollup(""), { rss: 0, shared: 0, private: 0 });
});

Deno.test("shared pages are counted once: every private page, plus the most shared pages of one process", () => {
  const a: RollupKb = { rss: 150, shared: 50, private: 100 };
  const b: RollupKb = { rss: 100, shared: 45, private: 55 };
  assert.equal(sharedOnceKb([a, b]), 100 + 55 + 50);
  assert.equal(sharedOnceKb([a]), 150);
  assert.equal(sharedOnceKb([]), 0);
});

Deno.test("the peaks are of sums in one sample, not sums of each process's peak", () => {
  const peaks = new MemoryPeaks();
  const at = (values: Record<number, RollupKb>) => (pid: number) => values[pid];
  peaks.sample(
    [1, 2],
    at({ 1: { rss: 200, shared: 50, private: 150 }, 2: { rss: 100, shared: 50, private: 50 } }),
  );
  peaks.sample(
    [1, 2],
    at({ 1: { rss: 100, shared: 50, private: 50 }, 2: { rss: 250, shared: 50, private: 200 } }),
  );
  // process 2 is gone: the sample is not counted
  peaks.sample([1, 2], at({ 1: { rss: 900, shared: 50, private: 850 } }));
  assert.deepEqual(peaks.peaks, { samples: 2, peakRssSumKb: 350, peakSharedOnceKb: 300 });
});

Deno.test("two real Deno processes share the deno binary's pages: counted once they hold less than their RSS sum", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "await new Promise((r) => setTimeout(r, 60_000))"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    // the child is up once its runtime is resident
    for (let i = 0; i < 100 && (readRollup(child.pid)?.rss ?? 0) < 20_000; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const self = readRollup(Deno.pid)!;
    assert.ok(self.rss > 0 && self.shared > 0 && self.private > 0, JSON.stringify(self));
    const sampling = sampleTogether([Deno.pid, child.pid], 20);
    await new Promise((r) => setTimeout(r, 100));
    const t = sampling.stop();
    assert.ok(t.samples >= 3, `samples ${t.samples}`);
    assert.ok(t.peakRssSumKb > self.rss, JSON.stringify(t));
    assert.ok(
      t.peakSharedOnceKb < t.peakRssSumKb - 10_000,
      `the binary's pages, shared, are counted once: ${JSON.stringify(t)}`,
    );
  } finally {
    child.kill();
    await child.status;
  }
});

Deno.test("a process that is gone reads as undefined", () => {
  assert.equal(readRollup(2 ** 22 + 12345), undefined);
});
