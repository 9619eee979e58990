/**
 * Average prep time per station: running sums (count, total milliseconds) per station per quarter
 * hour of the bump, so "today" in any time zone (every offset is a whole number of quarter hours) is
 * a bounded range of buckets: at most 96 per station a day, however many tickets (buckets and the
 * KV sums are `common/running_sums.ts`). Pure.
 *
 * @module
 */
import { bucketOf } from "../../common/running_sums.ts";
import type { PrepSample } from "./moves.ts";

/** The running sums of one station in one bucket. */
export interface PrepSums {
  count: number;
  totalMs: number;
}

/** `samples` summed per bucket and station (`"<bucket>|<station>"` -> change of the sums). */
export function sumSamples(
  samples: readonly PrepSample[],
): Map<string, { bucket: number; station: string; delta: PrepSums }> {
  const out = new Map<string, { bucket: number; station: string; delta: PrepSums }>();
  for (const s of samples) {
    const bucket = bucketOf(s.readyAtMs);
    const key = `${bucket}|${s.station}`;
    const cur = out.get(key) ?? { bucket, station: s.station, delta: { count: 0, totalMs: 0 } };
    cur.delta = {
      count: cur.delta.count + s.sign,
      totalMs: cur.delta.totalMs + s.sign * Math.max(0, s.prepMs),
    };
    out.set(key, cur);
  }
  return out;
}

/** `sums` changed by `delta`, never below zero. */
export function applyDelta(sums: PrepSums | null, delta: PrepSums): PrepSums {
  return {
    count: Math.max(0, (sums?.count ?? 0) + delta.count),
    totalMs: Math.max(0, (sums?.totalMs ?? 0) + delta.totalMs),
  };
}

/** One station's figures over a range of buckets. */
export interface StationAverage {
  station: string;
  count: number;
  averagePrepMs: number;
}

/** Per-station averages of `rows` (bucket sums), by station name. */
export function averages(rows: Iterable<{ station: string; sums: PrepSums }>): StationAverage[] {
  const by = new Map<string, PrepSums>();
  for (const r of rows) by.set(r.station, applyDelta(by.get(r.station) ?? null, r.sums));
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([station, s]) => ({
    station,
    count: s.count,
    averagePrepMs: s.count > 0 ? Math.round(s.totalMs / s.count) : 0,
  }));
}
