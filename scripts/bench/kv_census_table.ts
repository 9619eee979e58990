/**
 * The KV census of a `deno task bench --kv-census` run (`services/common/kv_census.ts`), per store and
 * per order placed: commits, keys written, checked and read, and the prefixes written most.
 *
 * @module
 */
import type { CensusCounts } from "../../services/common/kv_census.ts";
import { table } from "../load/report.ts";

/** One store's KV work per order placed. */
export interface KvCensusRow {
  /** The store (its file name without `.kv`). */
  store: string;
  /** Commits that succeeded. */
  commits: number;
  /** Commits whose checks failed. */
  failedCommits: number;
  /** Keys written (set, delete, sum, min, max). */
  writes: number;
  /** Versionstamp checks. */
  checks: number;
  /** Keys read by `get` and `getMany`. */
  reads: number;
  /** `get` and `getMany` calls. */
  readCalls: number;
  /** `list` calls. */
  lists: number;
  /** Keys written per prefix, most first. */
  writesByPrefix: [string, number][];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The rows of census `delta` (counts over the load window, by store) divided by `orders` placed. */
export function kvCensusRows(delta: Record<string, CensusCounts>, orders: number): KvCensusRow[] {
  if (!(orders > 0)) return [];
  const per = (n: number) => round2(n / orders);
  return Object.entries(delta).sort(([a], [b]) => a.localeCompare(b)).map(([store, c]) => {
    const sum = (prefix: string) =>
      Object.entries(c).filter(([k]) => k.startsWith(prefix)).reduce((s, [, n]) => s + n, 0);
    const byPrefix = Object.entries(c).filter(([k]) => k.startsWith("write:"))
      .map(([k, n]): [string, number] => [k.slice("write:".length), per(n)])
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return {
      store,
      commits: per(c.commits ?? 0),
      failedCommits: per(c.commits_failed ?? 0),
      writes: per(sum("write:")),
      checks: per(sum("check:")),
      reads: per(sum("read:")),
      readCalls: per(c.read_calls ?? 0),
      lists: per(sum("list:")),
      writesByPrefix: byPrefix,
    };
  });
}

/** The census as printed lines (none without rows); the `top` prefixes written most per store. */
export function formatKvCensus(rows: readonly KvCensusRow[], top = 4): string[] {
  if (rows.length === 0) return [];
  const f = (n: number) => n.toFixed(2);
  return [
    "",
    ...table([
      [
        "KV work per order (--kv-census)",
        "commits",
        "failed",
        "keys written",
        "checks",
        "keys read",
        "reads",
        "lists",
      ],
      ...rows.map((r) => [
        r.store,
        f(r.commits),
        f(r.failedCommits),
        f(r.writes),
        f(r.checks),
        f(r.reads),
        f(r.readCalls),
        f(r.lists),
      ]),
    ]),
    ...rows.filter((r) => r.writesByPrefix.length > 0).map((r) =>
      `  ${r.store} writes most: ${r.writesByPrefix.slice(0, top).map(([p, n]) => `${p} ${f(n)}`).join(", ")}`
    ),
  ];
}
