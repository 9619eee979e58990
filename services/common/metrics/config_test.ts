import assert from "node:assert/strict";
import { metricsConfig, metricsPortVariable } from "./config.ts";

Deno.test("metrics are off unless a port or an OTLP endpoint is set", () => {
  const c = metricsConfig("orders", {});
  assert.equal(c.port, undefined);
  assert.equal(c.otlpUrl, undefined);
  assert.equal(c.host, "127.0.0.1");
});

Deno.test("each process reads its own port variable", () => {
  assert.equal(metricsPortVariable("orders"), "ORDERS_METRICS_PORT");
  assert.equal(metricsPortVariable("oms"), "OMS_METRICS_PORT");
  assert.equal(metricsConfig("web", { WEB_METRICS_PORT: "9465", ORDERS_METRICS_PORT: "9461" }).port, 9465);
  assert.throws(() => metricsConfig("web", { WEB_METRICS_PORT: "x" }), /WEB_METRICS_PORT/);
});

Deno.test("an OTLP endpoint pushes metrics to /v1/metrics unless the exporter is none", () => {
  assert.equal(
    metricsConfig("stock", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" }).otlpUrl,
    "http://c:4318/v1/metrics",
  );
  assert.equal(
    metricsConfig("stock", { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://m/x" }).otlpUrl,
    "http://m/x",
  );
  assert.equal(
    metricsConfig("stock", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_METRICS_EXPORTER: "none" })
      .otlpUrl,
    undefined,
  );
  assert.throws(() => metricsConfig("stock", { OTEL_EXPORTER_OTLP_ENDPOINT: "c:4318" }), /http/);
});

Deno.test("OTEL_SDK_DISABLED turns metrics off even with a port", () => {
  const c = metricsConfig("kitchen", { KITCHEN_METRICS_PORT: "9464", OTEL_SDK_DISABLED: "true" });
  assert.equal(c.port, undefined);
});
