/**
 * Rates between two scrapes of one process, the way Prometheus computes them: counter increases per
 * second (a counter that went down was reset by a restart, so its new value is the increase), and
 * latency quantiles from the increase of each histogram bucket (`histogram_quantile`'s linear
 * interpolation inside the bucket the rank falls in).
 *
 * @module
 */
import type { Bucket, Digest } from "./digest.ts";

/** The increase of a counter from `older` to `newer` (a reset counts from zero). */
export function increase(older: number, newer: number): number {
  return newer >= older ? newer - older : newer;
}

/**
 * The buckets' increase from `older` to `newer` (cumulative, ascending `le`). If any bucket went down
 * the histogram was reset and `newer` is the increase.
 */
export function bucketIncrease(older: readonly Bucket[], newer: readonly Bucket[]): Bucket[] {
  const before = new Map(older.map((b) => [b.le, b.count]));
  if (newer.some((b) => b.count < (before.get(b.le) ?? 0))) return newer.map((b) => ({ ...b }));
  let floor = 0; // cumulative counts never go down along `le`
  return newer.map((b) => {
    floor = Math.max(floor, b.count - (before.get(b.le) ?? 0));
    return { le: b.le, count: floor };
  });
}

/**
 * The `q` quantile (0..1) of cumulative `buckets` (ascending `le`, the last `Infinity`): null with no
 * observations or no `Infinity` bucket. A rank in the `Infinity` bucket gives the highest finite bound.
 */
export function quantile(q: number, buckets: readonly Bucket[]): number | null {
  const total = buckets.at(-1);
  if (!total || total.le !== Infinity || total.count <= 0) return null;
  const rank = q * total.count;
  const i = buckets.findIndex((b) => b.count >= rank);
  const b = buckets[i]!;
  if (b.le === Infinity) return i > 0 ? buckets[i - 1]!.le : null;
  const lower = i > 0 ? buckets[i - 1]!.le : 0;
  if (i === 0 && b.le <= 0) return b.le;
  const below = i > 0 ? buckets[i - 1]!.count : 0;
  const inside = b.count - below;
  if (inside <= 0) return b.le;
  return lower + (b.le - lower) * (rank - below) / inside;
}

/** Rate, errors and duration of one interval. */
export interface RedPoint {
  /** End of the interval (epoch ms). */
  at: number;
  /** Requests per second. */
  requestsPerSecond: number;
  /** Errors per second. */
  errorsPerSecond: number;
  /** Median duration in ms (null: no requests). */
  p50Ms: number | null;
  /** 95th percentile duration in ms (null: no requests). */
  p95Ms: number | null;
}

/** The RED numbers from scrape `a` to the later `b`; null when `b` is not later. */
export function redBetween(a: Digest, b: Digest): RedPoint | null {
  const seconds = (b.at - a.at) / 1000;
  if (!(seconds > 0)) return null;
  const buckets = bucketIncrease(a.buckets, b.buckets);
  return {
    at: b.at,
    requestsPerSecond: increase(a.requests, b.requests) / seconds,
    errorsPerSecond: increase(a.errors, b.errors) / seconds,
    p50Ms: quantile(0.5, buckets),
    p95Ms: quantile(0.95, buckets),
  };
}

/** RED points between each pair of consecutive scrapes, oldest first. */
export function redSeries(history: readonly Digest[]): RedPoint[] {
  const out: RedPoint[] = [];
  for (let i = 1; i < history.length; i++) {
    const p = redBetween(history[i - 1]!, history[i]!);
    if (p) out.push(p);
  }
  return out;
}

/** Deliveries per second per queue and outcome from scrape `a` to the later `b`. */
export function consumedRates(a: Digest, b: Digest): Record<string, Record<string, number>> {
  const seconds = (b.at - a.at) / 1000;
  const out: Record<string, Record<string, number>> = {};
  if (!(seconds > 0)) return out;
  for (const [queue, outcomes] of Object.entries(b.consumed)) {
    const rates: Record<string, number> = (out[queue] = {});
    for (const [outcome, n] of Object.entries(outcomes)) {
      rates[outcome] = increase(a.consumed[queue]?.[outcome] ?? 0, n) / seconds;
    }
  }
  return out;
}
