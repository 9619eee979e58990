/**
 * The unit suffixes of OpenTelemetry's Prometheus compatibility rules
 * (opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics: a unit becomes a name
 * suffix, `ms` -> `_milliseconds`, `s` -> `_seconds`; an annotation in braces such as `{message}` adds
 * nothing). The SDK's Prometheus serializer does not add them; {@linkcode withUnitSuffixes} renames the
 * collected metrics before it serializes them, so the endpoint shows the names in `names.ts` while the
 * instruments (and OTLP) keep their semantic-convention names.
 *
 * @module
 */
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";

const UNIT_WORDS: Readonly<Record<string, string>> = {
  ms: "milliseconds",
  s: "seconds",
  us: "microseconds",
  ns: "nanoseconds",
  min: "minutes",
  h: "hours",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
  "%": "percent",
};

/** The suffix unit `unit` adds to a Prometheus name ("" for none: no unit, or only an annotation). */
export function unitSuffix(unit: string): string {
  const bare = unit.replace(/\{[^}]*\}/g, "").trim();
  if (bare === "" || bare === "1") return "";
  return UNIT_WORDS[bare] ?? bare.replace(/[^A-Za-z0-9_]/g, "_");
}

/** `name` with the suffix of `unit` appended (once: a name that already ends with it is kept). */
export function suffixedName(name: string, unit: string): string {
  const suffix = unitSuffix(unit);
  if (!suffix) return name;
  const flat = name.replace(/[^A-Za-z0-9_]/g, "_");
  return flat.endsWith(`_${suffix}`) ? name : `${name}_${suffix}`;
}

/** `metrics` with every metric renamed by {@linkcode suffixedName} (a copy; the input is untouched). */
export function withUnitSuffixes(metrics: ResourceMetrics): ResourceMetrics {
  return {
    ...metrics,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((m) => ({
        ...m,
        descriptor: { ...m.descriptor, name: suffixedName(m.descriptor.name, m.descriptor.unit) },
      })),
    })),
  };
}
