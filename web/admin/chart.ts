/**
 * The dashboard chart's numbers: orders counted into equal time buckets ending now (the last 24 hours
 * by hour, or the last 14 days by day, in UTC), and the bars' geometry for an SVG drawn on the server.
 * Pure, so it is tested on plain dates.
 *
 * @module
 */

/** The chart ranges. */
export const CHART_RANGES = {
  "24h": { bucketMs: 3600_000, buckets: 24, label: "Orders per hour, last 24 hours" },
  "14d": { bucketMs: 86_400_000, buckets: 14, label: "Orders per day, last 14 days" },
} as const;

/** A chart range name. */
export type ChartRange = keyof typeof CHART_RANGES;

/** True for a known range. */
export function isChartRange(s: string): s is ChartRange {
  return s === "24h" || s === "14d";
}

/** One bucket. */
export interface Bucket {
  /** Start of the bucket, ISO 8601. */
  start: string;
  /** Short label, e.g. `14:00` or `03-07`. */
  label: string;
  /** Orders created in it. */
  count: number;
}

/** Counts `times` into the buckets of `range` ending at the end of the bucket holding `now`. */
export function bucketOrders(times: readonly Date[], range: ChartRange, now: Date): Bucket[] {
  const { bucketMs, buckets } = CHART_RANGES[range];
  const end = Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs;
  const start = end - buckets * bucketMs;
  const counts = new Array<number>(buckets).fill(0);
  for (const t of times) {
    const ms = t.getTime();
    if (ms < start || ms >= end) continue;
    const i = Math.floor((ms - start) / bucketMs);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => {
    const d = new Date(start + i * bucketMs);
    const iso = d.toISOString();
    return { start: iso, label: range === "24h" ? iso.slice(11, 16) : iso.slice(5, 10), count };
  });
}

/** The earliest time the range covers (orders older than this are not needed). */
export function rangeStart(range: ChartRange, now: Date): Date {
  const { bucketMs, buckets } = CHART_RANGES[range];
  const end = Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs;
  return new Date(end - buckets * bucketMs);
}

/** A "nice" axis maximum at or above `max` (1, 2, 5 × 10^n; at least 1). */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** One bar of the SVG. */
export interface Bar {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/** Bars in a `width` × `height` plot area (origin top left, bars grow up from the bottom). */
export function barsOf(
  buckets: readonly Bucket[],
  width: number,
  height: number,
): { bars: Bar[]; max: number } {
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.count)));
  const slot = width / Math.max(1, buckets.length);
  const gap = Math.min(4, slot * 0.2);
  const bars = buckets.map((b, i) => {
    const h = Math.round((b.count / max) * height * 10) / 10;
    return {
      x: Math.round((i * slot + gap / 2) * 10) / 10,
      y: height - h,
      width: Math.round((slot - gap) * 10) / 10,
      height: h,
    };
  });
  return { bars, max };
}
