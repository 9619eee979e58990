/**
 * The summary of a paired comparison: per pair, the figures of the run before and the run after, their
 * means, and in how many pairs the run after was better. Pure functions over bench reports.
 *
 * @module
 */
import type { BenchReport } from "../report.ts";

/** One before/after pair of bench reports. */
export interface BenchPair {
  before: BenchReport;
  after: BenchReport;
}

/** The figures compared, read from one report. */
export interface PairFigures {
  /** CPU-ms per order of all OMS processes. */
  cpuMsPerOrder: number;
  /** CPU-ms per order of Deno KV's SQLite threads, all processes together (undefined: not measured). */
  sqliteMsPerOrder: number | undefined;
  /** The OMS CPU per order over the run's floor. */
  ratioToFloor: number;
  /** Orders placed per second. */
  ordersPerS: number;
  /** Peak RSS of the OMS processes, MiB. */
  rssMiB: number;
}

/** The compared figures of `r`. */
export function figuresOf(r: BenchReport): PairFigures {
  const kv = r.processes.map((p) => p.threadsMsPerOrder?.kv);
  const measured = kv.filter((x): x is number => x !== undefined);
  return {
    cpuMsPerOrder: r.total.cpuMsPerOrder,
    sqliteMsPerOrder: measured.length > 0 ? round2(measured.reduce((a, b) => a + b, 0)) : undefined,
    ratioToFloor: r.total.ratioToFloor,
    ordersPerS: r.load.ordersPerS,
    rssMiB: r.total.rssMiB,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The figures where more is better (for the others, less is). */
const HIGHER_IS_BETTER: ReadonlySet<keyof PairFigures> = new Set(["ordersPerS"]);

/** Per figure: the mean before and after, and in how many pairs the after was better. */
export interface FigureSummary {
  before: number;
  after: number;
  /** Pairs whose after was better than their before (lower, or higher for orders/s). */
  betterAfter: number;
  /** Pairs that had the figure. */
  pairs: number;
}

/** The summary of every compared figure over `pairs` (a figure no pair has is left out). */
export function summarize(pairs: readonly BenchPair[]): Partial<Record<keyof PairFigures, FigureSummary>> {
  const figures = pairs.map((p) => ({ before: figuresOf(p.before), after: figuresOf(p.after) }));
  const out: Partial<Record<keyof PairFigures, FigureSummary>> = {};
  for (const key of Object.keys(figures[0]?.before ?? {}) as (keyof PairFigures)[]) {
    const had = figures.filter((f) => f.before[key] !== undefined && f.after[key] !== undefined);
    if (had.length === 0) continue;
    const b = had.map((f) => f.before[key]!);
    const a = had.map((f) => f.after[key]!);
    out[key] = {
      before: round2(mean(b)),
      after: round2(mean(a)),
      betterAfter: had.filter((f) =>
        HIGHER_IS_BETTER.has(key) ? f.after[key]! > f.before[key]! : f.after[key]! < f.before[key]!
      ).length,
      pairs: had.length,
    };
  }
  return out;
}

const LABELS: Record<keyof PairFigures, string> = {
  cpuMsPerOrder: "CPU-ms/order",
  sqliteMsPerOrder: "KV SQLite ms/order",
  ratioToFloor: "x floor",
  ordersPerS: "orders/s",
  rssMiB: "RSS MiB",
};

function cell(x: number | undefined): string {
  return x === undefined ? "-" : String(x);
}

/** The printed table: one row per pair and figure `before -> after`, then the means. */
export function formatPairs(pairs: readonly BenchPair[], base: string, head: string): string {
  const keys = Object.keys(LABELS) as (keyof PairFigures)[];
  const width = 22;
  const lines = [
    `bench pairs: before = ${base}, after = ${head}; ${pairs.length} pair(s), alternating, one sitting`,
    "",
    ["pair".padEnd(6), ...keys.map((k) => LABELS[k].padStart(width))].join(""),
  ];
  pairs.forEach((p, i) => {
    const b = figuresOf(p.before);
    const a = figuresOf(p.after);
    lines.push(
      [String(i + 1).padEnd(6), ...keys.map((k) => `${cell(b[k])} -> ${cell(a[k])}`.padStart(width))].join(
        "",
      ),
    );
  });
  const s = summarize(pairs);
  lines.push(
    ["mean".padEnd(6), ...keys.map((k) => (s[k] ? `${s[k].before} -> ${s[k].after}` : "-").padStart(width))]
      .join(""),
  );
  lines.push(
    [
      "better".padEnd(6),
      ...keys.map((k) => (s[k] ? `${s[k].betterAfter} of ${s[k].pairs}` : "-").padStart(width)),
    ]
      .join(""),
  );
  lines.push(
    "",
    "note: better = after lower (orders/s: higher) in that many pairs; a difference most pairs do not agree on is noise",
  );
  return lines.join("\n");
}
