/**
 * The OpenTelemetry SDK half of tracing, loaded only when an OTLP endpoint is set (`setup.ts` imports this
 * module dynamically): a `BasicTracerProvider` with a batch processor exporting over OTLP/HTTP (JSON), an
 * `AsyncLocalStorage` context manager (Deno's `node:async_hooks`) so the active span follows `await`, and
 * the W3C trace-context propagator, all registered with the global API.
 *
 * A process without an endpoint never evaluates this module, so it pays neither the SDK's load time nor
 * its memory (about 20 MB of RSS measured on Deno 2.9).
 *
 * @module
 */
import { context, diag, DiagLogLevel, propagation, trace } from "@opentelemetry/api";
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
import { throttledDiag } from "../otel_diag.ts";
import type { TracingConfig } from "./config.ts";
import type { Tracing } from "./setup.ts";
import { setTracingEnabled } from "./enabled.ts";

/**
 * Starts the SDK for `config` (which has a `tracesUrl`) and registers it with the global API; `released`
 * runs once the handle has shut down. Throws when the global API is already taken (by `OTEL_DENO`).
 */
export function startTracingSdk(
  config: TracingConfig & { tracesUrl: string },
  log: Logger | undefined,
  released: () => void,
): Tracing {
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
  if (log) diag.setLogger(throttledDiag(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
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
  setTracingEnabled(true);
  let stopped: Promise<void> | undefined;
  return {
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
          setTracingEnabled(false);
          trace.disable();
          context.disable();
          propagation.disable();
          diag.disable();
          released();
        }
      })(),
  };
}
