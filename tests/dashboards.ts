/**
 * The Grafana dashboards kept in deploy/grafana/dashboards/ and the metric names their panel queries
 * use (test code: the dashboards test and the scrape test of a running system read them).
 *
 * @module
 */

/** One dashboard file. */
export interface Dashboard {
  /** The file name. */
  file: string;
  title: string;
  panels: { title: string; targets?: { expr?: string }[] }[];
}

const DIR = new URL("../deploy/grafana/dashboards/", import.meta.url);

/** Every dashboard JSON file (sorted by name). */
export async function readDashboards(): Promise<Dashboard[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(DIR)) if (e.isFile && e.name.endsWith(".json")) files.push(e.name);
  files.sort();
  return await Promise.all(files.map(async (file) => ({
    file,
    ...JSON.parse(await Deno.readTextFile(new URL(file, DIR))),
  })));
}

/** PromQL words that look like names but are not metrics (functions are told by the `(` after them). */
const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "and",
  "or",
  "unless",
  "inf",
  "nan",
]);

/**
 * The metric names a PromQL expression reads, histogram series (`_bucket`, `_count`, `_sum`) folded to
 * their family name. Strings, label matchers, range selectors, grouping clauses, Grafana variables and
 * function names are not metrics.
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // strings
    .replace(/\$\{[^}]*\}|\$\w+/g, " ") // Grafana variables ($__rate_interval, ${job})
    .replace(/\{[^}]*\}/g, " ") // label matchers
    .replace(/\[[^\]]*\]/g, " ") // range selectors
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " "); // label lists
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const next = bare.slice(m.index! + word.length).trimStart();
    if (next.startsWith("(") || KEYWORDS.has(word.toLowerCase())) continue;
    if (/^\d/.test(word)) continue;
    names.add(word.replace(/_(bucket|count|sum)$/, ""));
  }
  return [...names];
}

/** Each panel's metric names: `{ panel, metric }` per metric a panel query reads. */
export function dashboardMetricNames(d: Dashboard): { panel: string; metric: string }[] {
  return d.panels.flatMap((p) =>
    (p.targets ?? []).flatMap((t) =>
      metricNamesOf(t.expr ?? "").map((metric) => ({ panel: p.title, metric }))
    )
  );
}
