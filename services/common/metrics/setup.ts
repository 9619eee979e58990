/**
 * Process-wide metrics: {@linkcode setupMetrics} is called once per process before the service starts
 * (by `runService`), and {@linkcode Metrics.shutdown} after the service stopped (the last OTLP push).
 *
 * Without a metrics port (`<PROC>_METRICS_PORT`) and without an OTLP endpoint, nothing is loaded: the
 * handle is disabled and every recording call (`record.ts`) returns at once. Otherwise the SDK
 * (`sdk.ts`) is imported dynamically, so a process that is not asked for metrics never loads it.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { metricsConfig } from "./config.ts";

/** The metrics of one process. */
export interface Metrics {
  /** True when metrics are recorded (served and/or pushed). */
  readonly enabled: boolean;
  /** `service.name` of this process. */
  readonly serviceName: string;
  /** The Prometheus endpoint's URL, when served. */
  readonly url?: string;
  /** The bound port of the Prometheus endpoint, when served. */
  readonly port?: number;
  /** Where metrics are pushed over OTLP, when they are. */
  readonly otlpUrl?: string;
  /** Stops serving, pushes the last metrics, stops recording (idempotent; failures are only logged). */
  shutdown(): Promise<void>;
}

let active: Metrics | undefined;
let starting = false;

/**
 * Sets up metrics for process `name` from `env` (see `metricsConfig`). Resolves to a disabled handle
 * when nothing asks for metrics. Rejects with a `ConfigError` for a bad setting, when the port cannot be
 * bound, and when metrics are already set up in this process.
 */
export async function setupMetrics(
  name: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
  log?: Logger,
): Promise<Metrics> {
  const config = metricsConfig(name, env);
  if (config.port === undefined && config.otlpUrl === undefined) {
    return { enabled: false, serviceName: config.serviceName, shutdown: () => Promise.resolve() };
  }
  if (active || starting) throw new Error(`Metrics are already set up in this process`);
  starting = true;
  try {
    const { startMetricsSdk } = await import("./sdk.ts");
    const made: { handle?: Metrics } = {}; // the release callback may only run once it is set
    const handle = made.handle = await startMetricsSdk(config, log, () => {
      if (made.handle !== undefined && active === made.handle) active = undefined;
    });
    if (handle.enabled) active = handle;
    return handle;
  } finally {
    starting = false;
  }
}
