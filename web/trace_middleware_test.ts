import assert from "node:assert/strict";
import { Hono } from "hono";
import { createLogger } from "../services/common/log.ts";
import { isTraceparent, spanIdOf, traceIdOf } from "../services/common/trace.ts";
import { setupTracing } from "../services/common/tracing/setup.ts";
import { OtlpSpanKind, startOtlpReceiver } from "../services/common/tracing/testing.ts";
import type { AppEnv } from "./api/deps.ts";
import { traceMiddleware } from "./trace_middleware.ts";

const INCOMING = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

function app() {
  const a = new Hono<AppEnv>();
  a.use(traceMiddleware(createLogger("web", "error")));
  a.get("/api/customers/:customerId/orders", (c) => c.json({ traceparent: c.get("traceparent") }));
  a.get("/boom", () => {
    throw new Error("boom");
  });
  a.onError((_e, c) => c.json({ error: "internal" }, 500));
  return a;
}

Deno.test("with tracing off the middleware keeps a valid incoming traceparent, else makes one", async () => {
  const a = app();
  const kept = await a.request("/api/customers/c1/orders", { headers: { traceparent: INCOMING } });
  assert.equal(kept.headers.get("traceparent"), INCOMING);
  assert.equal((await kept.json()).traceparent, INCOMING);
  const made = await a.request("/api/customers/c1/orders", { headers: { traceparent: "garbage" } });
  assert.ok(isTraceparent(made.headers.get("traceparent")));
  await made.body?.cancel();
});

Deno.test("with tracing on each request is a SERVER span continuing the caller's traceparent, with route and status", async () => {
  const receiver = await startOtlpReceiver();
  const tracing = await setupTracing("web", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  try {
    const a = app();
    const res = await a.request("/api/customers/c1/orders", { headers: { traceparent: INCOMING } });
    const echoed = res.headers.get("traceparent")!;
    assert.equal((await res.json()).traceparent, echoed, "handlers see the server span's traceparent");
    assert.equal(traceIdOf(echoed), traceIdOf(INCOMING));
    assert.notEqual(spanIdOf(echoed), spanIdOf(INCOMING));
    const failed = await a.request("/boom");
    await failed.body?.cancel();
    const missing = await a.request("/nowhere");
    await missing.body?.cancel();
    await tracing.shutdown();
    const [ok, boom, notFound] = receiver.spans;
    assert.equal(ok?.name, "GET /api/customers/:customerId/orders");
    assert.equal(ok.kind, OtlpSpanKind.SERVER);
    assert.equal(ok.service, "web");
    assert.equal(ok.parentSpanId, spanIdOf(INCOMING));
    assert.equal(ok.spanId, spanIdOf(echoed));
    assert.deepEqual(
      [ok.attributes["http.request.method"], ok.attributes["url.path"], ok.attributes["http.route"]],
      ["GET", "/api/customers/c1/orders", "/api/customers/:customerId/orders"],
    );
    assert.equal(ok.attributes["http.response.status_code"], 200);
    assert.equal(boom?.attributes["http.response.status_code"], 500);
    assert.equal(boom.status, 2, "a 500 marks the span failed");
    assert.equal(boom.parentSpanId, "", "no incoming traceparent: the request starts the trace");
    assert.equal(notFound?.name, "GET", "no route matched: no route in the name");
    assert.equal(notFound.attributes["http.route"], undefined);
  } finally {
    await tracing.shutdown();
    await receiver.stop();
  }
});

Deno.test("the request line is at debug for a request that went well, at warn for a slow or failed one", async () => {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields: Record<string, unknown> = {}) =>
    void lines.push({ level, msg, fields });
  const log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  const appWith = (slowMs: number) => {
    const a = new Hono<AppEnv>();
    a.use(traceMiddleware(log, { slowMs }));
    a.get("/fine", async (c) => {
      await new Promise((r) => setTimeout(r, 5));
      return c.text("ok");
    });
    a.get("/boom", () => {
      throw new Error("boom");
    });
    a.onError((_e, c) => c.json({ error: "internal" }, 500));
    return a;
  };
  const patient = appWith(60_000); // nothing here is slow
  const strict = appWith(0); // everything taking a millisecond or more is slow
  await (await patient.request("/fine")).body?.cancel();
  await (await patient.request("/boom")).body?.cancel();
  await (await strict.request("/fine")).body?.cancel();
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.fields.path, l.fields.status, l.fields.slow]),
    [
      ["debug", "request", "/fine", 200, undefined],
      ["warn", "request", "/boom", 500, undefined],
      ["warn", "request", "/fine", 200, true],
    ],
  );
  assert.ok((lines[2]?.fields.ms as number) >= 5, "the slow line says how long the request took");
});
