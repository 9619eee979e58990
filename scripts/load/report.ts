/**
 * The load generator's report: a JSON-ready record of the run ({@linkcode buildReport}) and its text
 * form for people ({@linkcode formatReport}).
 *
 * @module
 */
import type { ProcUsage } from "../bench/procfs.ts";
import type { CheckResult } from "./check.ts";
import type { FollowMode } from "./options.ts";
import type { AppliedScene } from "./chaos.ts";
import { type LatencySummary, round1, type RunStats, type Step, STEPS } from "./stats.ts";

/** One kind of error and how often it happened. */
export interface ErrorCount {
  /** E.g. `checkout: HTTP 503 unavailable`, `pay: timeout`. */
  kind: string;
  /** Occurrences. */
  count: number;
  /** The first message seen. */
  example: string;
}

/** Everything a run found; `--json` prints exactly this. */
export interface Report {
  /** Gateway loaded. */
  target: string;
  /** ISO 8601 start. */
  startedAt: string;
  /** Seconds of shopping the order rate is measured over: the elapsed time, at most `--duration`. */
  durationS: number;
  /** Shoppers at once. */
  concurrency: number;
  /** How shoppers followed their orders (`--follow`). */
  follow: FollowMode;
  /** Orders placed and what was done with them. */
  orders: {
    /** Orders the system accepted. */
    placed: number;
    /** `placed / durationS`. */
    perSecond: number;
    /** Paid. */
    paid: number;
    /** Cancelled by the shopper. */
    cancelled: number;
    /** Payment declined. */
    declined: number;
    /** Checkout left to expire. */
    expired: number;
    /**
     * The rate before stock first ran short (a visit found nothing or a checkout got 409), when it
     * did: once the menu sells out, the overall rate measures the stock, not the system.
     */
    untilShortage: { seconds: number; placed: number; perSecond: number } | null;
  };
  /** Outcomes that look like failures but are expected once stock runs low. */
  expected: {
    /** Checkouts answered 409 out_of_stock. */
    outOfStock: number;
    /** Catalog visits that found nothing available. */
    soldOut: number;
  };
  /**
   * Latency of each step in ms. `payToPaid` runs from the pay call to the `paid` entry of the order's
   * timeline (the server's clock, same machine: not limited by how the order is followed); `timeToPaid`
   * from the pay call to the shopper seeing the order paid (its stream's event, or the poll that saw it).
   */
  latencyMs: Record<Step, LatencySummary>;
  /** Errors (expected outcomes excluded). */
  errors: {
    /** All errors. */
    total: number;
    /** By kind, most frequent first. */
    byKind: ErrorCount[];
  };
  /** The final check of every order. */
  check: CheckResult;
  /**
   * What the load generator's own process used, from the OS (`/proc/self`): CPU seconds and peak RSS,
   * read when the run ended; null where `/proc` cannot tell.
   */
  usage: ProcUsage | null;
  /** 0 when the check passed, else 1. */
  exitCode: number;
  /** With `--chaos`: the flag file and the scenes applied (flags on, from when), and failed writes. */
  chaos?: ChaosReport;
}

/** What `--chaos` did. */
export interface ChaosReport {
  /** The flag file written. */
  flagsFile: string;
  /** Each scene as applied, the last one "all off". */
  scenes: AppliedScene[];
  /** Writes that failed. */
  failures: string[];
}

/** Assembles the report of a run that lasted `durationMs`. */
export function buildReport(
  stats: RunStats,
  check: CheckResult,
  run: {
    target: string;
    startedAt: Date;
    durationMs: number;
    concurrency: number;
    follow: FollowMode;
    usage?: ProcUsage;
    chaos?: ChaosReport;
  },
): Report {
  const durationS = Math.max(run.durationMs, 1) / 1000;
  const byKind = [...stats.errors.entries()]
    .map(([kind, count]) => ({ kind, count, example: stats.errorExamples.get(kind) ?? "" }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
  return {
    target: run.target,
    startedAt: run.startedAt.toISOString(),
    durationS: round1(durationS),
    concurrency: run.concurrency,
    follow: run.follow,
    orders: {
      placed: stats.ordersPlaced,
      perSecond: Math.round((stats.ordersPlaced / durationS) * 100) / 100,
      paid: stats.intents.pay,
      cancelled: stats.intents.cancel,
      declined: stats.intents.decline,
      expired: stats.intents.expire,
      untilShortage: stats.firstShortageMs === undefined ? null : {
        seconds: round1(stats.firstShortageMs / 1000),
        placed: stats.ordersBeforeShortage,
        perSecond: Math.round((stats.ordersBeforeShortage / Math.max(stats.firstShortageMs, 1)) * 100_000) /
          100,
      },
    },
    expected: { outOfStock: stats.outOfStock, soldOut: stats.soldOut },
    latencyMs: Object.fromEntries(STEPS.map((s) => [s, stats.steps[s].summary()])) as Record<
      Step,
      LatencySummary
    >,
    errors: { total: stats.errorCount, byKind },
    check,
    usage: run.usage ?? null,
    exitCode: check.ok ? 0 : 1,
    ...(run.chaos ? { chaos: run.chaos } : {}),
  };
}

const STEP_LABELS: Record<Step, string> = {
  browse: "browse",
  storefront: "storefront",
  checkout: "checkout",
  pay: "pay",
  cancel: "cancel",
  payToPaid: "pay -> paid",
  timeToPaid: "time-to-paid",
  timeToCancelled: "time-to-cancelled",
};

/** The report as text for a terminal. */
export function formatReport(r: Report): string {
  const lines: string[] = [];
  const o = r.orders;
  lines.push(`OMS load test of ${r.target} (started ${r.startedAt})`);
  lines.push(
    `  ${r.durationS} s, ${r.concurrency} shoppers (--follow ${r.follow}): ${o.placed} orders placed, ${o.perSecond} orders/s`,
  );
  if (o.untilShortage) {
    const u = o.untilShortage;
    lines.push(
      `  stock first ran short after ${u.seconds} s: ${u.placed} orders until then, ${u.perSecond} orders/s`,
    );
  }
  lines.push(`  paid ${o.paid}, cancelled ${o.cancelled}, declined ${o.declined}, expired ${o.expired}`);
  lines.push(
    `  expected: ${r.expected.outOfStock} checkouts out of stock (409), ${r.expected.soldOut} visits found nothing left`,
  );
  if (r.chaos) lines.push(...chaosLines(r.chaos));
  lines.push("");
  const head = ["step", "count", "p50", "p95", "p99", "max"];
  const rows = STEPS.map((s) => {
    const l = r.latencyMs[s];
    return [
      STEP_LABELS[s],
      String(l.count),
      ms(l.p50, l.count),
      ms(l.p95, l.count),
      ms(l.p99, l.count),
      ms(l.max, l.count),
    ];
  });
  lines.push(...table([head, ...rows]).map((l) => `  ${l}`));
  lines.push("  (latencies in ms, successful calls only)");
  lines.push("");
  if (r.errors.total === 0) {
    lines.push("errors: none");
  } else {
    lines.push(`errors: ${r.errors.total}`);
    for (const e of r.errors.byKind) {
      lines.push(`  ${String(e.count).padStart(6)}  ${e.kind}${e.example ? ` (e.g. ${e.example})` : ""}`);
    }
  }
  lines.push("");
  const c = r.check;
  const states = Object.entries(c.byState).map(([s, n]) => `${s} ${n}`).join(", ");
  lines.push(
    c.ok
      ? `final check: OK, all ${c.checked} orders in an expected state${states ? ` (${states})` : ""}`
      : `final check: FAILED, ${c.problems.length} of ${c.checked} orders not where they should be (${states})`,
  );
  for (const p of c.problems.slice(0, 50)) {
    lines.push(
      `  ${p.kind.padEnd(10)} ${p.id} customer ${p.customerId}: expected ${p.expected}; ${p.detail}`,
    );
  }
  if (c.problems.length > 50) lines.push(`  ... and ${c.problems.length - 50} more (see --json)`);
  if (c.untracked.length > 0) {
    const cancelled = c.untracked.filter((u) => u.cancelled).length;
    lines.push(
      `  ${c.untracked.length} orders were created without the shopper getting the answer ` +
        `(${cancelled} still open, cancelled by the check)`,
    );
  }
  return lines.join("\n");
}

function ms(v: number, count: number): string {
  return count === 0 ? "-" : v.toFixed(1);
}

/** Left-aligns the first column and right-aligns the others. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  return rows.map((row) =>
    row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join("  ").trimEnd()
  );
}

/** The `--chaos` part of the text report: each scene with its flags, and failed writes. */
function chaosLines(c: ChaosReport): string[] {
  const out = [
    `  chaos: failure flags in ${c.flagsFile} (paid orders may end cancelled: declined on purpose)`,
  ];
  for (const scene of c.scenes) {
    const on = Object.entries(scene.flags).map(([k, v]) => `${k}=${v}`).join(", ");
    out.push(`    at ${scene.atS.toFixed(1)} s: ${on || "every flag off"}`);
  }
  for (const f of c.failures) out.push(`    could not switch flags: ${f}`);
  return out;
}
