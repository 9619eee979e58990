import assert from "node:assert/strict";
import { BUCKET_MS, bucketOf } from "../../common/running_sums.ts";
import { applyDelta, averages, sumSamples } from "./prep_stats.ts";

Deno.test("samples sum per quarter-hour bucket and station; a taken-back sample cancels its own", () => {
  const t = Date.parse("2026-01-01T12:07:00Z");
  const sums = sumSamples([
    { station: "oven", readyAtMs: t, prepMs: 60_000, sign: 1 },
    { station: "oven", readyAtMs: t + 60_000, prepMs: 120_000, sign: 1 },
    { station: "bar", readyAtMs: t, prepMs: 30_000, sign: 1 },
    { station: "oven", readyAtMs: t, prepMs: 60_000, sign: -1 },
  ]);
  const b = Date.parse("2026-01-01T12:00:00Z");
  assert.equal(bucketOf(t), b);
  assert.deepEqual(sums.get(`${b}|oven`)?.delta, { count: 1, totalMs: 120_000 });
  assert.deepEqual(sums.get(`${b}|bar`)?.delta, { count: 1, totalMs: 30_000 });
  assert.equal(BUCKET_MS, 900_000);
});

Deno.test("averages per station over buckets; sums never go below zero", () => {
  assert.deepEqual(
    averages([
      { station: "oven", sums: { count: 2, totalMs: 300_000 } },
      { station: "oven", sums: { count: 1, totalMs: 60_000 } },
      { station: "bar", sums: { count: 0, totalMs: 0 } },
    ]),
    [{ station: "bar", count: 0, averagePrepMs: 0 }, { station: "oven", count: 3, averagePrepMs: 120_000 }],
  );
  assert.deepEqual(applyDelta({ count: 1, totalMs: 10 }, { count: -2, totalMs: -50 }), {
    count: 0,
    totalMs: 0,
  });
});
