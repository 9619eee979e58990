/**
 * Metrics configuration. A process records and exports metrics only when told where to: a Prometheus
 * port (`<PROC>_METRICS_PORT`) and/or an OTLP endpoint. Neither set: the SDK is never loaded and every
 * recording call returns at once (see `state.ts`).
 *
 * @module
 */
import { ConfigError, envBool, envInt, envString } from "../config.ts";

/** What {@linkcode metricsConfig} read. */
export interface MetricsConfig {
  /** `service.name` of this process's metrics. */
  serviceName: string;
  /** The port `/metrics` is served on (Prometheus text), or undefined for none. */
  port: number | undefined;
  /** The variable the port was read from (`ORDERS_METRICS_PORT`), for messages. */
  portVariable: string;
  /** The interface `/metrics` binds (`METRICS_HOST`, default 127.0.0.1; compose sets 0.0.0.0). */
  host: string;
  /** Where metrics are POSTed over OTLP/HTTP (`.../v1/metrics`), or undefined for none. */
  otlpUrl: string | undefined;
  /** Interval between two OTLP pushes in ms (`OTEL_METRIC_EXPORT_INTERVAL`, default 60000). */
  exportIntervalMs: number;
  /** Timeout of one OTLP push in ms (`OTEL_METRIC_EXPORT_TIMEOUT`, default 30000). */
  exportTimeoutMs: number;
}

/** The variable holding process `name`'s metrics port: `ORDERS_METRICS_PORT` for "orders". */
export function metricsPortVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_METRICS_PORT`;
}

/**
 * The metrics port settings of the OMS processes, each read by its literal name (so the configuration
 * checks that scan the code for variables find them); `oms` is `deno task start:all`'s one process.
 */
const PORT_READS: Readonly<Record<string, (env: Record<string, string | undefined>) => string>> = {
  orders: (env) => envString("ORDERS_METRICS_PORT", "", env),
  stock: (env) => envString("STOCK_METRICS_PORT", "", env),
  payments: (env) => envString("PAYMENTS_METRICS_PORT", "", env),
  kitchen: (env) => envString("KITCHEN_METRICS_PORT", "", env),
  web: (env) => envString("WEB_METRICS_PORT", "", env),
  oms: (env) => envString("OMS_METRICS_PORT", "", env),
};

/**
 * Reads the metrics settings of process `name`:
 *
 * - `<NAME>_METRICS_PORT` (e.g. `ORDERS_METRICS_PORT`, `OMS_METRICS_PORT` for `start:all`): serve
 *   Prometheus text at `http://<METRICS_HOST>:<port>/metrics`. Unset: no endpoint.
 * - `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/metrics`
 *   appended): also push over OTLP/HTTP every `OTEL_METRIC_EXPORT_INTERVAL` ms. `OTEL_METRICS_EXPORTER=none`
 *   turns the push off (the endpoint then serves traces only).
 * - `OTEL_SDK_DISABLED=true` turns metrics off altogether; `OTEL_SERVICE_NAME` names the process.
 *
 * Throws a {@linkcode ConfigError} for a malformed value.
 */
export function metricsConfig(
  name: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): MetricsConfig {
  const disabled = envBool("OTEL_SDK_DISABLED", false, env);
  const portVar = metricsPortVariable(name);
  const raw = (PORT_READS[name] ?? ((e) => envString(portVar, "", e)))(env);
  const port = raw === "" ? undefined : envInt(portVar, 0, { min: 1, max: 65535 }, env);
  const exporter = envString("OTEL_METRICS_EXPORTER", "otlp", env);
  if (!["otlp", "none", "prometheus"].includes(exporter)) {
    throw new ConfigError(
      "OTEL_METRICS_EXPORTER",
      `OTEL_METRICS_EXPORTER must be otlp, prometheus or none, got "${exporter}"`,
    );
  }
  return {
    serviceName: envString("OTEL_SERVICE_NAME", name, env),
    port: disabled ? undefined : port,
    portVariable: portVar,
    host: envString("METRICS_HOST", "127.0.0.1", env),
    otlpUrl: disabled || exporter !== "otlp" ? undefined : metricsEndpoint(env),
    exportIntervalMs: envInt("OTEL_METRIC_EXPORT_INTERVAL", 60_000, { min: 100, max: 3_600_000 }, env),
    exportTimeoutMs: envInt("OTEL_METRIC_EXPORT_TIMEOUT", 30_000, { min: 1, max: 3_600_000 }, env),
  };
}

function metricsEndpoint(env: Record<string, string | undefined>): string | undefined {
  const specific = envString("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "", env);
  const base = envString("OTEL_EXPORTER_OTLP_ENDPOINT", "", env);
  const [variable, url] = specific
    ? ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", specific]
    : ["OTEL_EXPORTER_OTLP_ENDPOINT", base ? `${base.replace(/\/+$/, "")}/v1/metrics` : ""];
  if (!url) return undefined;
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigError(variable, `${variable} must be an http:// or https:// URL, got "${env[variable]}"`);
  }
  return url;
}
