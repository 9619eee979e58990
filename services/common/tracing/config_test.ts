import assert from "node:assert/strict";
import { ConfigError } from "../config.ts";
import { tracingConfig } from "./config.ts";

Deno.test("without an OTLP endpoint tracing is off; the service name defaults to the service's own", () => {
  const c = tracingConfig("orders", {});
  assert.equal(c.tracesUrl, undefined);
  assert.equal(c.serviceName, "orders");
  assert.equal(c.scheduleDelayMs, 5000);
});

Deno.test("OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended; the traces endpoint is used as is", () => {
  assert.equal(
    tracingConfig("web", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318/" }).tracesUrl,
    "http://jaeger:4318/v1/traces",
  );
  assert.equal(
    tracingConfig("web", {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector/custom",
    }).tracesUrl,
    "https://collector/custom",
  );
});

Deno.test("OTEL_SERVICE_NAME, OTEL_BSP_SCHEDULE_DELAY and OTEL_SDK_DISABLED are honoured", () => {
  const c = tracingConfig("stock", {
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318",
    OTEL_SERVICE_NAME: "stock-eu",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  assert.equal(c.serviceName, "stock-eu");
  assert.equal(c.scheduleDelayMs, 100);
  assert.equal(
    tracingConfig("stock", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318", OTEL_SDK_DISABLED: "true" })
      .tracesUrl,
    undefined,
  );
});

Deno.test("a malformed endpoint or delay is a ConfigError naming the value", () => {
  assert.throws(
    () => tracingConfig("web", { OTEL_EXPORTER_OTLP_ENDPOINT: "jaeger:4318" }),
    (e: unknown) =>
      e instanceof ConfigError && e.variable === "OTEL_EXPORTER_OTLP_ENDPOINT" &&
      /"jaeger:4318"/.test(e.message),
  );
  assert.throws(
    () => tracingConfig("web", { OTEL_BSP_SCHEDULE_DELAY: "soon" }),
    (e: unknown) => e instanceof ConfigError && /"soon"/.test(e.message),
  );
});

Deno.test("OTEL_DENO on is refused: Deno's built-in OpenTelemetry would take the global API", () => {
  assert.throws(
    () => tracingConfig("web", { OTEL_DENO: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318" }),
    (e: unknown) => e instanceof ConfigError && e.variable === "OTEL_DENO",
  );
  assert.equal(tracingConfig("web", { OTEL_DENO: "false" }).tracesUrl, undefined);
});
