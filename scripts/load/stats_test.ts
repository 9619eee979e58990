import assert from "node:assert/strict";
import { Histogram, percentile, RunStats } from "./stats.ts";

const oneTo100 = Array.from({ length: 100 }, (_, i) => i + 1);

Deno.test("percentile uses the nearest rank: of 1..100, p50 is 50, p95 is 95, p99 is 99, p100 is 100", () => {
  assert.equal(percentile(oneTo100, 50), 50);
  assert.equal(percentile(oneTo100, 95), 95);
  assert.equal(percentile(oneTo100, 99), 99);
  assert.equal(percentile(oneTo100, 100), 100);
  assert.equal(percentile(oneTo100, 0.1), 1);
});

Deno.test("percentile of few values picks a real sample; of none it is 0", () => {
  assert.equal(percentile([7], 50), 7);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 51), 3);
  assert.equal(percentile([10, 20], 99), 20);
  assert.equal(percentile([], 95), 0);
});

Deno.test("percentile rejects a p outside (0, 100]", () => {
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], NaN), RangeError);
});

Deno.test("a histogram summarises unsorted samples with exact count, min, mean, max and percentiles", () => {
  const h = new Histogram();
  for (const v of [...oneTo100].reverse()) h.record(v);
  assert.deepEqual(h.summary(), { count: 100, min: 1, mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
  assert.equal(h.percentile(95), 95);
});

Deno.test("an empty histogram summarises to zeros", () => {
  assert.deepEqual(new Histogram().summary(), { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
});

Deno.test("a histogram rounds to 0.1 ms and rejects negative or non-finite latencies", () => {
  const h = new Histogram();
  h.record(1.234);
  h.record(2.26);
  assert.deepEqual(h.summary(), { count: 2, min: 1.2, mean: 1.7, p50: 1.2, p95: 2.3, p99: 2.3, max: 2.3 });
  assert.throws(() => h.record(-1), RangeError);
  assert.throws(() => h.record(Infinity), RangeError);
  assert.equal(h.count, 2);
});

Deno.test("past its capacity a histogram keeps a bounded sample while count, min, max and mean stay exact", () => {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const h = new Histogram(1000, random);
  for (let i = 1; i <= 100_000; i++) h.record(i % 1000);
  const s = h.summary();
  assert.equal(s.count, 100_000);
  assert.equal(s.min, 0);
  assert.equal(s.max, 999);
  assert.equal(s.mean, 499.5);
  // a uniform sample of a uniform distribution: the median is near the middle
  assert.ok(Math.abs(s.p50 - 500) < 60, `p50 ${s.p50}`);
  assert.ok(s.p99 > 940, `p99 ${s.p99}`);
});

Deno.test("run stats count errors by kind with the first example, and note the first shortage once", () => {
  const stats = new RunStats();
  stats.error("checkout: HTTP 503 unavailable", "The orders service is unavailable");
  stats.error("checkout: HTTP 503 unavailable", "another message");
  stats.error("pay: timeout");
  assert.equal(stats.errorCount, 3);
  assert.equal(stats.errors.get("checkout: HTTP 503 unavailable"), 2);
  assert.equal(
    stats.errorExamples.get("checkout: HTTP 503 unavailable"),
    "The orders service is unavailable",
  );
  assert.equal(stats.errorExamples.has("pay: timeout"), false);

  stats.ordersPlaced = 12;
  stats.shortage(3000);
  stats.ordersPlaced = 20;
  stats.shortage(5000);
  assert.equal(stats.firstShortageMs, 3000);
  assert.equal(stats.ordersBeforeShortage, 12);
});
