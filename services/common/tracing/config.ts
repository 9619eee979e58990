/**
 * Tracing configuration from the standard OpenTelemetry environment variables. Tracing is on only when
 * an OTLP endpoint is set; without one nothing is exported, and the hand-carried `traceparent` still
 * travels (see `../trace.ts`).
 *
 * Deno's built-in OpenTelemetry (`OTEL_DENO`) must stay off: it takes the global OpenTelemetry API, and
 * the SDK set up here would then receive nothing. Nothing in OMS sets it; {@linkcode tracingConfig}
 * refuses to start when it is on.
 *
 * @module
 */
import { ConfigError, envBool, envInt, envString } from "../config.ts";

/** What {@linkcode tracingConfig} read. */
export interface TracingConfig {
  /** `service.name` of this process's spans. */
  serviceName: string;
  /** Where spans are POSTed (`.../v1/traces`), or undefined when tracing is off. */
  tracesUrl: string | undefined;
  /** Delay between two batch exports in ms (`OTEL_BSP_SCHEDULE_DELAY`, default 5000). */
  scheduleDelayMs: number;
  /** Timeout of one export in ms (`OTEL_EXPORTER_OTLP_TIMEOUT`, default 10000). */
  exportTimeoutMs: number;
}

/**
 * Reads the tracing settings of service `name`:
 *
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` is
 *   appended): the OTLP/HTTP collector, e.g. Jaeger's `http://jaeger:4318`. Neither set: tracing is off.
 * - `OTEL_SDK_DISABLED=true` turns tracing off even with an endpoint.
 * - `OTEL_SERVICE_NAME`: `service.name` (default `name`).
 * - `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_EXPORTER_OTLP_TIMEOUT`: batch delay and export timeout in ms.
 *
 * Throws a {@linkcode ConfigError} for a malformed endpoint, and when `OTEL_DENO` is on.
 */
export function tracingConfig(
  name: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): TracingConfig {
  if (envBool("OTEL_DENO", false, env)) {
    throw new ConfigError(
      "OTEL_DENO",
      `OTEL_DENO must not be set (got "${env.OTEL_DENO}"): Deno's built-in OpenTelemetry takes the global ` +
        "API and OMS tracing would receive nothing; set OTEL_EXPORTER_OTLP_ENDPOINT alone",
    );
  }
  const disabled = envBool("OTEL_SDK_DISABLED", false, env);
  const tracesUrl = disabled ? undefined : tracesEndpoint(env);
  return {
    serviceName: envString("OTEL_SERVICE_NAME", name, env),
    tracesUrl,
    scheduleDelayMs: envInt("OTEL_BSP_SCHEDULE_DELAY", 5000, { min: 1, max: 3_600_000 }, env),
    exportTimeoutMs: envInt("OTEL_EXPORTER_OTLP_TIMEOUT", 10_000, { min: 1, max: 3_600_000 }, env),
  };
}

function tracesEndpoint(env: Record<string, string | undefined>): string | undefined {
  const specific = envString("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "", env);
  const base = envString("OTEL_EXPORTER_OTLP_ENDPOINT", "", env);
  const [variable, url] = specific
    ? ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", specific]
    : ["OTEL_EXPORTER_OTLP_ENDPOINT", base ? `${base.replace(/\/+$/, "")}/v1/traces` : ""];
  if (!url) return undefined;
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigError(variable, `${variable} must be an http:// or https:// URL, got "${env[variable]}"`);
  }
  return url;
}
