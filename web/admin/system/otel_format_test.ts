/**
 * The parser and the digest read what the real OpenTelemetry Prometheus exporter writes (its
 * serializer, with `# UNIT` lines, `otel_scope_name` labels, `target_info`), not only the stand-in's
 * text: a histogram, a counter and gauges recorded through the SDK come out as the page expects.
 */
import assert from "node:assert/strict";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { METRIC } from "../../../services/common/metrics/names.ts";
import { digestOf } from "./digest.ts";
import { parsePrometheusText } from "../../../services/common/metrics/prometheus_text.ts";
import { quantile } from "./rates.ts";

Deno.test("the OpenTelemetry exporter's text parses, and its series are digested by METRIC names", async () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  try {
    const meter = provider.getMeter("oms-test");
    // instrument names chosen so the exporter writes exactly the METRIC names
    const calls = meter.createHistogram(METRIC.rpcServerDuration);
    for (let i = 0; i < 9; i++) calls.record(20, { "rpc.method": "GetOrder", "rpc.grpc.status_code": 0 });
    calls.record(600, { "rpc.method": "GetOrder", "rpc.grpc.status_code": 14 });
    meter.createCounter(METRIC.consumed.replace(/_total$/, "")).add(3, {
      "messaging.destination.name": 'oms "orders"',
      "oms.outcome": "retried",
    });
    meter.createGauge(METRIC.outboxRecords).record(5, { "oms.service": "orders" });
    meter.createGauge(METRIC.deadLetters).record(1, { "oms.service": "orders" });
    const { resourceMetrics } = await exporter.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);
    const expo = parsePrometheusText(text);
    assert.equal(expo.types.get(METRIC.rpcServerDuration), "histogram");
    assert.equal(expo.types.get(METRIC.consumed), "counter");
    const d = digestOf(expo, 0, "rpc");
    assert.equal(d.requests, 10);
    assert.equal(d.errors, 1);
    assert.equal(d.buckets.at(-1)!.le, Infinity);
    assert.equal(d.buckets.at(-1)!.count, 10);
    assert.equal(quantile(0.5, d.buckets), 10 + 15 * 5 / 9); // nine in (10, 25]
    assert.deepEqual(d.consumed, { 'oms "orders"': { retried: 3 } });
    assert.deepEqual(d.outbox, { orders: { records: 5, oldestAgeSeconds: 0 } });
    assert.deepEqual(d.deadLetters, { orders: 1 });
  } finally {
    await provider.shutdown();
  }
});
