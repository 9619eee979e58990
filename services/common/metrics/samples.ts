/**
 * Questions asked of a parsed scrape (`prometheus_text.ts`): the sum of matching samples, the metric
 * families present. Used by the scrape tests and anything that checks what a process exports.
 *
 * @module
 */
import type { Sample } from "./prometheus_text.ts";

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
