/**
 * The dashboard chart's numbers: orders counted into time buckets ending now (the last 24 hours by
 * local hour, or the last 14 local days by day, both in the shop's time zone, so a day bucket runs from
 * the shop's midnight to the next), and the bars' geometry for an SVG drawn on the server. Pure, so it
 * is tested on plain dates.
 *
 * @module
 */
import { startOfLocalDay, startOfLocalHour } from "../shop.ts";
import type { Zone } from "../lib/when.ts";

/** The chart ranges. */
export const CHART_RANGES = {
  "24h": { buckets: 24, label: "Orders per hour, last 24 hours" },
  "14d": { buckets: 14, label: "Orders per day, last 14 days" },
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
  /** Short label in the shop's zone and locale, e.g. `14:00` or `7 Mar`. */
  label: string;
  /** Full label in the shop's zone and locale, e.g. `7 Mar 2025, 14:00` or `Fri, 7 Mar 2025`. */
  title: string;
  /** Orders created in it. */
  count: number;
}

const HOUR_MS = 3600_000;

/**
 * The bucket boundaries of `range` in `timeZone`, oldest first: `buckets + 1` instants, the last the
 * end of the bucket holding `now`. Day buckets are local days (23 or 25 hours when the clocks change).
 */
function boundaries(range: ChartRange, now: Date, timeZone: string): Date[] {
  const n = CHART_RANGES[range].buckets;
  if (range === "24h") {
    const end = startOfLocalHour(now, timeZone).getTime() + HOUR_MS;
    return Array.from({ length: n + 1 }, (_, i) => new Date(end - (n - i) * HOUR_MS));
  }
  const today = startOfLocalDay(now, timeZone);
  const out = [startOfLocalDay(new Date(today.getTime() + 36 * HOUR_MS), timeZone), today];
  while (out.length < n + 1) out.push(startOfLocalDay(new Date(out.at(-1)!.getTime() - 1), timeZone));
  return out.reverse();
}

function formatter(zone: Zone, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(zone.locale, { timeZone: zone.timeZone, ...options });
}

/** Counts `times` into the buckets of `range` in `zone`, ending at the end of the bucket holding `now`. */
export function bucketOrders(times: readonly Date[], range: ChartRange, now: Date, zone: Zone): Bucket[] {
  const edges = boundaries(range, now, zone.timeZone).map((d) => d.getTime());
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const t of times) {
    const ms = t.getTime();
    if (ms < edges[0]! || ms >= edges.at(-1)!) continue;
    const i = edges.findLastIndex((e) => e <= ms);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const hourly = range === "24h";
  const short = formatter(
    zone,
    hourly ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "short" },
  );
  const long = formatter(
    zone,
    hourly
      ? { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }
      : { weekday: "short", day: "numeric", month: "short", year: "numeric" },
  );
  return counts.map((count, i) => {
    const d = new Date(edges[i]!);
    return { start: d.toISOString(), label: short.format(d), title: long.format(d), count };
  });
}

/** The earliest time the range covers in `timeZone` (orders older than this are not needed). */
export function rangeStart(range: ChartRange, now: Date, timeZone: string): Date {
  return boundaries(range, now, timeZone)[0]!;
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
