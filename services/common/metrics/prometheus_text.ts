/**
 * A small reader of Prometheus text exposition (what `/metrics` answers): each sample's metric name,
 * labels and value. For tests and for anything in OMS that reads a scrape (e.g. the System page).
 *
 * @module
 */

/** One sample line. */
export interface Sample {
  /** The series name (`..._bucket`, `..._count`, `..._sum` for histograms). */
  name: string;
  /** The labels, unescaped. */
  labels: Record<string, string>;
  /** The value (`+Inf`, `-Inf`, `NaN` parsed as numbers). */
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text into samples (comments and blank lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(LINE);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    const v = m[3]!;
    samples.push({
      name: m[1]!,
      labels,
      value: v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v),
    });
  }
  return samples;
}

/**
 * The sum of the values of samples named `name` whose labels include every pair in `match` (0 when
 * none): e.g. the count of one RPC method's calls across status codes.
 */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** The metric family names in `samples` (histogram series folded to their base name). */
export function familyNames(samples: readonly Sample[]): Set<string> {
  return new Set(samples.map((s) => s.name.replace(/_(bucket|count|sum)$/, "")));
}
