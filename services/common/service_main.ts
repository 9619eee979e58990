/**
 * The process entry shared by every service: load config (a clear message and exit 2 when invalid, or
 * when another process already holds the service's KV file),
 * set up tracing, metrics and the failure flags (`flags/flags.ts`: off, and no SDK loaded, unless `FLAGD_HOST` or
 * `OMS_FLAGS_FILE` is set), start, and stop cleanly on SIGINT/SIGTERM (the service first, then the spans
 * it left buffered are flushed).
 *
 * Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (see `tracing/config.ts`; only then is the SDK loaded); `service.name` is
 * `OTEL_SERVICE_NAME` or the service's own name. Deno's built-in OpenTelemetry (`OTEL_DENO`) must stay
 * off (it would take the global API and the SDK would receive nothing): nothing here sets it, and
 * setup refuses to run when it is on. Log lines still buffered are written on every way out (`Deno.exit`
 * dispatches `unload`, which flushes them; see `log_writer.ts`).
 *
 * @module
 */
import { ConfigError } from "./config.ts";
import { StoreInUseError } from "./kv.ts";
import { markExiting } from "./exiting.ts";
import { flushLogs, type Logger } from "./log.ts";
import { setupTracing, type Tracing } from "./tracing/setup.ts";
import { type Metrics, setupMetrics } from "./metrics/setup.ts";
import { type FlagsHandle, setupFlags } from "./flags/flags.ts";

/** What `start(config)` returns in every service. */
export interface ServiceHandle {
  /** The bound port. */
  port: number;
  /** Stops taking work, drains, closes the store. */
  stop(): Promise<void>;
}

/** Runs a service until a signal arrives. */
export async function runService<C>(
  name: string,
  log: Logger,
  loadConfig: () => C,
  start: (config: C) => Promise<ServiceHandle>,
): Promise<void> {
  let config: C;
  let tracing: Tracing;
  let metrics: Metrics;
  let flags: FlagsHandle;
  try {
    config = loadConfig();
    tracing = await setupTracing(name, Deno.env.toObject(), log);
    // `<NAME>_METRICS_PORT` / an OTLP endpoint: the metrics SDK (else nothing is loaded)
    metrics = await setupMetrics(name, Deno.env.toObject(), log);
    flags = await setupFlags(Deno.env.toObject(), log); // failure flags (off, no SDK, unless configured)
  } catch (err) {
    if (err instanceof ConfigError) {
      flushLogs(); // the buffered log lines first, then this plain one
      console.error(`${name}: invalid configuration: ${err.message}`);
      Deno.exit(2);
    }
    throw err;
  }
  const started = Promise.withResolvers<ServiceHandle>();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    markExiting(); // no GOAWAY to peers on the way out (deno#36788, see exiting.ts)
    log.info(`${name} stopping`, { signal });
    const timer = setTimeout(() => {
      log.error(`${name} did not stop in 10 s, exiting`);
      Deno.exit(1);
    }, 10_000);
    // a signal during start-up waits for start to finish (one still waiting for the broker gives up at
    // once: `markExiting` aborts the wait), then stops what started
    try {
      await (await started.promise).stop();
    } catch (err) {
      log.info(`${name} stopped before it finished starting`, { err: (err as Error)?.message });
    }
    await flags.close();
    await flush(tracing, log);
    await metrics.shutdown();
    clearTimeout(timer);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
  let handle: ServiceHandle;
  try {
    handle = await start(config);
    started.resolve(handle);
  } catch (err) {
    if (stopping) {
      started.reject(err); // the shutdown in progress exits
      return;
    }
    if (err instanceof StoreInUseError) {
      // a deployment mistake (a second replica on one KV file), said plainly and once
      flushLogs();
      console.error(`${name}: refusing to start: ${err.message}`);
      await flush(tracing, log);
      Deno.exit(2);
    }
    log.error(`${name} failed to start`, { err });
    await flush(tracing, log);
    Deno.exit(1);
  }
  log.info(`${name} listening`, {
    port: handle.port,
    ...(tracing.enabled ? { tracing: tracing.tracesUrl, serviceName: tracing.serviceName } : {}),
    ...(metrics.url ? { metrics: metrics.url } : {}),
    ...(metrics.otlpUrl ? { metricsOtlp: metrics.otlpUrl } : {}),
  });
}

/** How long exiting waits for the last spans to reach the collector. */
const FLUSH_TIMEOUT_MS = 3000;

/** Shuts tracing down (exporting what is buffered); a slow or unreachable collector is logged, never fatal. */
async function flush(tracing: Tracing, log: Logger): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      tracing.shutdown(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${FLUSH_TIMEOUT_MS} ms`)), FLUSH_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    log.warn("could not flush traces", { err: (err as Error).message });
  } finally {
    clearTimeout(timer);
  }
}
