/**
 * Process-wide tracing: the OpenTelemetry SDK (`@opentelemetry/sdk-trace-base`) with a batch processor
 * that exports over OTLP/HTTP (JSON), an `AsyncLocalStorage` context manager (Deno's
 * `node:async_hooks`) so the active span follows `await`, and the W3C trace-context propagator.
 *
 * {@linkcode setupTracing} is called once per process before the service starts (by `runService`);
 * {@linkcode Tracing.shutdown} flushes what is buffered and is awaited after the service stopped.
 *
 * Never combine with Deno's built-in OpenTelemetry (`OTEL_DENO`): it takes the global API first and
 * this SDK would then receive no spans. Nothing in OMS sets `OTEL_DENO`, and setup refuses to run with it.
 *
 * @module
 */
import { context, diag, type DiagLogger, DiagLogLevel, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "../log.ts";
import { tracingConfig } from "./config.ts";

/** The tracing of one process. */
export interface Tracing {
  /** True when spans are exported (an OTLP endpoint is set). */
  readonly enabled: boolean;
  /** `service.name` of this process's spans. */
  readonly serviceName: string;
  /** Where spans go, when enabled. */
  readonly tracesUrl?: string;
  /** Exports every ended span now. */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and releases the global API (idempotent; an export failure is only logged). */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** How often the same kind of SDK problem (e.g. an unreachable collector) is logged at most. */
const DIAG_EVERY_MS = 60_000;

/** Routes the SDK's own warnings and errors (failed exports) to `log`, each message at most once a minute. */
function diagTo(log: Logger): DiagLogger {
  const last = new Map<string, number>();
  const write = (msg: string, args: unknown[]) => {
    const now = Date.now();
    if (now - (last.get(msg) ?? -Infinity) < DIAG_EVERY_MS) return;
    last.set(msg, now);
    const detail = args.map((a) => a instanceof Error ? a.message : String(a)).join(" ");
    log.warn(`tracing: ${msg}`, detail ? { detail } : {});
  };
  const none = () => {};
  return {
    error: (m, ...a) => write(m, a),
    warn: (m, ...a) => write(m, a),
    info: none,
    debug: none,
    verbose: none,
  };
}

/**
 * Sets up tracing for service `name` from `env` (see {@linkcode tracingConfig}). Without an endpoint it
 * returns a disabled handle and registers nothing, so the OpenTelemetry API stays a no-op. With `log`,
 * the SDK's warnings (such as failed exports) are logged, throttled. Throws when tracing is already set
 * up in this process or the global API is taken (by `OTEL_DENO`).
 */
export function setupTracing(
  name: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
  log?: Logger,
): Tracing {
  const config = tracingConfig(name, env);
  if (!config.tracesUrl) {
    return {
      enabled: false,
      serviceName: config.serviceName,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
  }
  if (active) throw new Error(`Tracing is already set up in this process for "${active.serviceName}"`);
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl, timeoutMillis: config.exportTimeoutMs });
  const provider = new BasicTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({
        "service.name": config.serviceName,
        "service.namespace": "oms",
        "service.instance.id": crypto.randomUUID(),
      })),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        scheduledDelayMillis: config.scheduleDelayMs,
        exportTimeoutMillis: config.exportTimeoutMs,
      }),
    ],
  });
  if (log) diag.setLogger(diagTo(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registered = [
    trace.setGlobalTracerProvider(provider),
    context.setGlobalContextManager(contextManager),
    propagation.setGlobalPropagator(new W3CTraceContextPropagator()),
  ];
  if (registered.includes(false)) {
    trace.disable();
    context.disable();
    propagation.disable();
    throw new Error(
      "The global OpenTelemetry API is already registered (is OTEL_DENO on?); OMS tracing cannot start",
    );
  }
  let stopped: Promise<void> | undefined;
  const handle: Tracing = {
    enabled: true,
    serviceName: config.serviceName,
    tracesUrl: config.tracesUrl,
    forceFlush: () => provider.forceFlush(),
    shutdown: () =>
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } catch (err) {
          // an unreachable collector must not fail the shutdown of the service
          log?.warn("tracing: could not export the last spans", {
            err: (err as Error).message ?? String(err),
          });
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
          diag.disable();
          if (active === handle) active = undefined;
        }
      })(),
  };
  active = handle;
  return handle;
}

/** The tracing set up in this process, if any. */
export function activeTracing(): Tracing | undefined {
  return active;
}
