/**
 * Geometry of the System page's line charts, drawn on the server: each series is an SVG path over a
 * fixed number of slots with the newest value at the right edge (so a chart fills in from the right
 * as scrapes arrive), broken where a value is missing, under a "nice" maximum (`admin/chart.ts`).
 * Pure, so it is tested on plain numbers.
 *
 * @module
 */
import { niceMax } from "../chart.ts";

/** The y-axis maximum for `series` (a nice number, at least `floor`). */
export function axisMax(series: readonly (readonly (number | null)[])[], floor = 1): number {
  let max = 0;
  for (const s of series) for (const v of s) if (v !== null && Number.isFinite(v)) max = Math.max(max, v);
  if (max <= floor) return floor;
  return niceMax(max);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * The path `d` of `values` (oldest first) in a `width` × `height` plot (origin top left), the last
 * value at x = width and `slots` values across; null values break the line (a lone point is drawn as a
 * zero-length line, a dot with round caps); "" when nothing to draw.
 */
export function linePath(
  values: readonly (number | null)[],
  slots: number,
  width: number,
  height: number,
  max: number,
): string {
  const step = width / Math.max(1, slots - 1);
  const first = slots - values.length;
  const parts: string[] = [];
  let run = 0; // points in the current segment
  const end = () => {
    if (run === 1) parts.push("h0"); // a lone point: a zero-length line, so its round cap shows as a dot
    run = 0;
  };
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return end();
    const x = round((first + i) * step);
    const y = round(height - Math.min(1, Math.max(0, v / max)) * height);
    parts.push(`${run > 0 ? "L" : "M"}${x} ${y}`);
    run++;
  });
  end();
  return parts.join(" ");
}
