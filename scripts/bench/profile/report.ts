/**
 * The text `deno task bench:profile` prints: per process, its CPU over the load window (from /proc) and,
 * from its profile, the top functions by self time and the top modules, each with its share of the
 * busy (non-idle) samples and that share of the process's CPU-ms per order.
 *
 * @module
 */
import {
  aggregate,
  type CpuProfile,
  functionKey,
  moduleKey,
  type ProfileRow,
  profileTotals,
} from "./cpuprofile.ts";

/** What one process's section shows. */
export interface ProcessSection {
  /** The process. */
  name: string;
  /** Its profile. */
  profile: CpuProfile;
  /** Its CPU seconds over the window, from /proc. */
  cpuS: number;
  /** Orders placed in the window. */
  orders: number;
}

/** Section settings. */
export interface SectionOptions {
  /** The repository root as a `file://` URL ending in "/" (OMS's own files are shown relative to it). */
  rootUrl: string;
  /** Rows of top functions. */
  topFunctions: number;
  /** Rows of top modules. */
  topModules: number;
}

const ms = (us: number) => (us / 1000).toFixed(0);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Rows as a fixed-width table: self ms, % of busy, % of all samples, ≈ CPU-ms per order, key. */
export function formatRows(title: string, rows: ProfileRow[], cpuMsPerOrder: number): string {
  const head = `  ${"self ms".padStart(8)} ${"busy%".padStart(6)} ${"all%".padStart(6)} ${
    "ms/ord".padStart(6)
  }  ${title}`;
  const lines = rows.map((r) =>
    `  ${ms(r.selfUs).padStart(8)} ${(r.key === "(idle)" ? "-" : pct(r.busyShare)).padStart(6)} ${
      pct(r.share).padStart(6)
    } ${(r.key === "(idle)" ? "-" : (r.busyShare * cpuMsPerOrder).toFixed(2)).padStart(6)}  ${r.key}`
  );
  return [head, ...lines].join("\n");
}

/**
 * One process's section: a summary line, its top functions and its top modules. The sampler samples
 * wall time: "busy" counts time the thread was in JS or native code even while it waited for a core, so
 * on a loaded machine busy time can exceed the process's CPU time; shares stay comparable.
 */
export function formatSection(s: ProcessSection, o: SectionOptions): string {
  const totals = profileTotals(s.profile);
  const cpuMsPerOrder = s.orders > 0 ? (s.cpuS * 1000) / s.orders : 0;
  const coverage = s.cpuS > 0 ? totals.busyUs / 1e6 / s.cpuS : 0;
  const summary =
    `== ${s.name}: ${s.cpuS.toFixed(2)} CPU-s over the window (/proc) = ${
      cpuMsPerOrder.toFixed(2)
    } ms/order; sampled ${(totals.totalUs / 1e6).toFixed(1)} s, busy (not idle) ${
      (totals.busyUs / 1e6).toFixed(2)
    } s (${(coverage * 100).toFixed(0)}% of its CPU-s), GC ${
      pct(totals.busyUs ? totals.gcUs / totals.busyUs : 0)
    }, ` +
    `(program) ${pct(totals.busyUs ? totals.programUs / totals.busyUs : 0)} of busy`;
  const fns = aggregate(s.profile, (f, caller) => functionKey(f, o.rootUrl, caller)).filter((r) =>
    r.key !== "(idle)"
  );
  const mods = aggregate(s.profile, (f, caller) => moduleKey(f, o.rootUrl, caller)).filter((r) =>
    r.key !== "(idle)"
  );
  return [
    summary,
    formatRows(`top ${o.topFunctions} functions by self time`, fns.slice(0, o.topFunctions), cpuMsPerOrder),
    formatRows(`top ${o.topModules} modules`, mods.slice(0, o.topModules), cpuMsPerOrder),
  ].join("\n");
}
