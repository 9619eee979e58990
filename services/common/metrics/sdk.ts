/**
 * The OpenTelemetry metrics SDK half of metrics, loaded only when a metrics port or an OTLP endpoint
 * is set (`setup.ts` imports this module dynamically): a `MeterProvider` with
 *
 * - the SDK's Prometheus exporter as a pull reader, its text served by `Deno.serve` at
 *   `http://<host>:<port>/metrics` (the exporter's own node:http server is not started; the
 *   serializer is the exporter's, the names get their unit suffixes first: `prometheus_names.ts`);
 * - a periodic OTLP/HTTP (JSON) push reader, when an endpoint is set.
 *
 * The provider is not registered with the global API: OMS records into the instruments made here
 * (`record.ts`), so nothing else in the process (or Deno's own telemetry) can take them over.
 *
 * @module
 */
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  type IMetricReader,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import { ConfigError } from "../config.ts";
import type { Logger } from "../log.ts";
import { throttledDiag } from "../otel_diag.ts";
import type { MetricsConfig } from "./config.ts";
import { observeAll } from "./gauges.ts";
import { createInstruments } from "./instruments.ts";
import { withUnitSuffixes } from "./prometheus_names.ts";
import { setInstruments } from "./record.ts";
import type { Metrics } from "./setup.ts";

/** The instrumentation scope of every OMS metric. */
export const METER_NAME = "oms";

/**
 * The OTLP/HTTP metric exporter, imported only when an endpoint is set (a Prometheus-only process does
 * not load it). `@opentelemetry/exporter-metrics-otlp-http@0.301` needs `@opentelemetry/api` >= 1.10
 * (its transformer imports `SeverityNumber`); deno.json pins 1.10.0.
 */
async function otlpExporter(url: string, timeoutMillis: number): Promise<PushMetricExporter> {
  const { OTLPMetricExporter } = await import("@opentelemetry/exporter-metrics-otlp-http");
  return new OTLPMetricExporter({ url, timeoutMillis });
}

/** Starts the SDK for `config` (with a port or an OTLP URL); `released` runs once it has shut down. */
export async function startMetricsSdk(
  config: MetricsConfig,
  log: Logger | undefined,
  released: () => void,
): Promise<Metrics> {
  if (log) diag.setLogger(throttledDiag(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const readers: IMetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (config.port !== undefined) {
    prometheus = new PrometheusExporter({ preventServerStart: true });
    readers.push(prometheus);
  }
  const pushing = config.otlpUrl ? await otlpExporter(config.otlpUrl, config.exportTimeoutMs) : undefined;
  if (pushing) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: pushing,
        exportIntervalMillis: config.exportIntervalMs,
        exportTimeoutMillis: Math.min(config.exportTimeoutMs, config.exportIntervalMs),
      }),
    );
  }
  if (readers.length === 0) {
    diag.disable();
    released();
    return { enabled: false, serviceName: config.serviceName, shutdown: () => Promise.resolve() };
  }
  const provider = new MeterProvider({
    readers,
    resource: resourceFromAttributes({
      "service.name": config.serviceName,
      "service.namespace": "oms",
      "service.instance.id": crypto.randomUUID(),
    }),
  });
  const meter = provider.getMeter(METER_NAME);
  const instruments = createInstruments(meter);
  const gauges = Object.values(instruments.gauges);
  meter.addBatchObservableCallback(async (result) => {
    await observeAll(
      (gauge, value, attributes) => result.observe(instruments.gauges[gauge], value, attributes),
      (err) =>
        log?.warn("metrics: a gauge could not be read", { err: (err as Error)?.message ?? String(err) }),
    );
  }, gauges);
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  let port: number | undefined;
  if (prometheus) {
    const exporter = prometheus;
    const serializer = new PrometheusSerializer();
    const listening = Promise.withResolvers<Deno.NetAddr>();
    try {
      server = Deno.serve({
        hostname: config.host,
        port: config.port,
        onListen: (addr) => listening.resolve(addr),
        onError: (err) => {
          log?.warn("metrics: scrape failed", { err: (err as Error)?.message ?? String(err) });
          return new Response("# scrape failed\n", { status: 500 });
        },
      }, async (req) => {
        const path = new URL(req.url).pathname;
        if (path !== "/metrics") return new Response("Not found: metrics are at /metrics\n", { status: 404 });
        if (req.method !== "GET" && req.method !== "HEAD") {
          return new Response("Method not allowed\n", { status: 405, headers: { Allow: "GET, HEAD" } });
        }
        const { resourceMetrics, errors } = await exporter.collect();
        if (errors.length > 0) diag.error("PrometheusExporter: metrics collection errors", ...errors);
        return new Response(serializer.serialize(withUnitSuffixes(resourceMetrics)), {
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        });
      });
    } catch (err) {
      await provider.shutdown().catch(() => {});
      throw new ConfigError(
        config.portVariable,
        `${config.portVariable}: cannot serve metrics on ${config.host}:${config.port} (${
          (err as Error).message
        })`,
      );
    }
    port = (await listening.promise).port;
  }
  setInstruments(instruments);
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    serviceName: config.serviceName,
    ...(port !== undefined ? { url: `http://${config.host}:${port}/metrics`, port } : {}),
    ...(pushing ? { otlpUrl: config.otlpUrl } : {}),
    shutdown: () =>
      stopped ??= (async () => {
        setInstruments(undefined);
        try {
          await server?.shutdown();
          await provider.shutdown();
        } catch (err) {
          log?.warn("metrics: could not export the last metrics", {
            err: (err as Error)?.message ?? String(err),
          });
        } finally {
          diag.disable();
          released();
        }
      })(),
  };
}
