import assert from "node:assert/strict";
import type { Bucket, Digest } from "./digest.ts";
import { bucketIncrease, consumedRates, increase, quantile, redBetween, redSeries } from "./rates.ts";

const b = (pairs: [number, number][]): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

function digest(at: number, requests: number, errors: number, buckets: Bucket[] = []): Digest {
  return { at, requests, errors, buckets, queueDepth: {}, consumed: {}, outbox: {}, deadLetters: {} };
}

Deno.test("a counter's increase; a reset counts from zero", () => {
  assert.equal(increase(10, 15), 5);
  assert.equal(increase(10, 3), 3);
});

Deno.test("quantiles interpolate inside the bucket, like histogram_quantile", () => {
  // 10 observations: 2 <= 10 ms, 6 in (10, 20], 2 in (20, 40]
  const h = b([[10, 2], [20, 8], [40, 10], [Infinity, 10]]);
  assert.equal(quantile(0.5, h), 10 + 10 * (5 - 2) / 6); // 15
  assert.equal(quantile(0.95, h), 20 + 20 * (9.5 - 8) / 2); // 35
  assert.equal(quantile(0.1, h), 5); // first bucket from 0
  assert.equal(quantile(0.5, b([[0, 4], [5, 4], [Infinity, 4]])), 0);
  // the rank falls in +Inf: the highest finite bound
  assert.equal(quantile(0.95, b([[10, 1], [Infinity, 10]])), 10);
  assert.equal(quantile(0.5, b([[10, 0], [Infinity, 0]])), null);
  assert.equal(quantile(0.5, b([[10, 3]])), null);
  assert.equal(quantile(0.5, []), null);
});

Deno.test("bucket increases; a reset histogram counts from zero", () => {
  const older = b([[10, 2], [20, 3], [Infinity, 3]]);
  const newer = b([[10, 4], [20, 9], [Infinity, 10]]);
  assert.deepEqual(bucketIncrease(older, newer), b([[10, 2], [20, 6], [Infinity, 7]]));
  assert.deepEqual(bucketIncrease(newer, older), older);
  // a bound the older scrape lacked counts from zero
  assert.deepEqual(
    bucketIncrease(b([[Infinity, 1]]), b([[10, 1], [Infinity, 2]])),
    b([[10, 1], [Infinity, 1]]),
  );
});

Deno.test("RED between two scrapes: per second, quantiles of the interval only", () => {
  const a = digest(10_000, 100, 1, b([[10, 90], [100, 100], [Infinity, 100]]));
  // 20 more requests in 5 s, 5 of them errors, all in (10, 100]
  const c = digest(15_000, 120, 6, b([[10, 90], [100, 120], [Infinity, 120]]));
  const p = redBetween(a, c)!;
  assert.equal(p.at, 15_000);
  assert.equal(p.requestsPerSecond, 4);
  assert.equal(p.errorsPerSecond, 1);
  assert.equal(p.p50Ms, 10 + 90 * 10 / 20);
  assert.equal(p.p95Ms, 10 + 90 * 19 / 20);
  // no traffic: zero rates, no durations
  const idle = redBetween(c, digest(20_000, 120, 6, c.buckets))!;
  assert.deepEqual([idle.requestsPerSecond, idle.errorsPerSecond, idle.p50Ms], [0, 0, null]);
  assert.equal(redBetween(c, a), null);
  assert.deepEqual(redSeries([a, c, digest(20_000, 120, 6, c.buckets)]).map((p) => p.at), [15_000, 20_000]);
  assert.deepEqual(redSeries([a]), []);
});

Deno.test("deliveries per second per queue and outcome", () => {
  const a = digest(0, 0, 0);
  a.consumed = { q: { processed: 10 } };
  const c = digest(2000, 0, 0);
  c.consumed = { q: { processed: 20, parked: 2 } };
  assert.deepEqual(consumedRates(a, c), { q: { processed: 5, parked: 1 } });
});
