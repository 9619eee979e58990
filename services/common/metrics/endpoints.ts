/**
 * Where each process's Prometheus endpoint is, for readers of the metrics (web's admin System page,
 * the launcher): `<PROC>_METRICS_ADDR` (`host:port`) if set, else `127.0.0.1:<PROC>_METRICS_PORT` if
 * that is set, else none (that process exports no metrics). Each base URL is `http://host:port/metrics`.
 *
 * The variables, spelled out for tools that scan for them: ORDERS_METRICS_ADDR, STOCK_METRICS_ADDR,
 * PAYMENTS_METRICS_ADDR, KITCHEN_METRICS_ADDR, WEB_METRICS_ADDR, and ORDERS_METRICS_PORT,
 * STOCK_METRICS_PORT, PAYMENTS_METRICS_PORT, KITCHEN_METRICS_PORT, WEB_METRICS_PORT.
 *
 * @module
 */
import { ConfigError, envInt, envString } from "../config.ts";

/** The processes that may export metrics. */
export const METRICS_PROCESSES = ["orders", "stock", "payments", "kitchen", "web"] as const;

/** A process that may export metrics. */
export type MetricsProcess = typeof METRICS_PROCESSES[number];

/** The metrics URL of each process that has one. */
export type MetricsEndpoints = Partial<Record<MetricsProcess, string>>;

/** The variable naming a process's metrics port (`ORDERS_METRICS_PORT`, ...). */
export function metricsPortVar(proc: MetricsProcess): string {
  return `${proc.toUpperCase()}_METRICS_PORT`;
}

/** The variable naming where a reader finds a process's metrics (`ORDERS_METRICS_ADDR`, ...). */
export function metricsAddrVar(proc: MetricsProcess): string {
  return `${proc.toUpperCase()}_METRICS_ADDR`;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/** `http://<addr>/metrics` for a `host:port` (an IPv6 host in brackets); throws a {@linkcode ConfigError}. */
function urlOf(variable: string, addr: string): string {
  const m = HOST_PORT.exec(addr);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    throw new ConfigError(variable, `${variable} must be host:port (e.g. orders:9464), got "${addr}"`);
  }
  return `http://${m[1]}:${port}/metrics`;
}

/**
 * The metrics endpoints `env` names (see the module doc); a process with neither variable set is
 * absent. Throws a {@linkcode ConfigError} naming the variable when an address or port is malformed.
 */
export function metricsEndpoints(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): MetricsEndpoints {
  const out: MetricsEndpoints = {};
  for (const proc of METRICS_PROCESSES) {
    const addrVar = metricsAddrVar(proc);
    const addr = envString(addrVar, "", env);
    if (addr) {
      out[proc] = urlOf(addrVar, addr);
      continue;
    }
    const port = envInt(metricsPortVar(proc), 0, { min: 1, max: 65535 }, env);
    if (port) out[proc] = `http://127.0.0.1:${port}/metrics`;
  }
  return out;
}
