import assert from "node:assert/strict";
import { Hono } from "hono";
import { setInstruments } from "../services/common/metrics/record.ts";
import type { Instruments } from "../services/common/metrics/instruments.ts";
import type { AppEnv } from "./api/deps.ts";
import { httpMetrics } from "./http_metrics.ts";

function app() {
  const a = new Hono<AppEnv>();
  a.use(httpMetrics());
  a.use("/api/*", async (_c, next) => await next()); // a middleware's "/*" is not the route
  a.post("/api/customers/:customerId/orders", (c) => c.json({}, 201));
  a.get("/boom", () => {
    throw new Error("boom");
  });
  a.onError((_e, c) => c.json({}, 500));
  return a;
}

Deno.test("each request is recorded with its method, route template and status", async () => {
  const recorded: { seconds: number; attrs: Record<string, unknown> }[] = [];
  setInstruments({
    httpServerDuration: {
      record: (seconds: number, attrs: Record<string, unknown>) => recorded.push({ seconds, attrs }),
    },
  } as unknown as Instruments);
  try {
    const a = app();
    assert.equal((await a.request("/api/customers/42/orders", { method: "POST" })).status, 201);
    assert.equal((await a.request("/boom")).status, 500);
    assert.equal((await a.request("/nowhere")).status, 404);
    await a.request("/nowhere", { method: "BREW" });
  } finally {
    setInstruments(undefined);
  }
  assert.deepEqual(recorded.map((r) => r.attrs), [
    {
      "http.request.method": "POST",
      "http.route": "/api/customers/:customerId/orders",
      "http.response.status_code": 201,
    },
    { "http.request.method": "GET", "http.route": "/boom", "http.response.status_code": 500 },
    { "http.request.method": "GET", "http.response.status_code": 404 }, // no route matched: no label
    { "http.request.method": "_OTHER", "http.response.status_code": 404 }, // clients mint no label values
  ]);
  assert.ok(recorded.every((r) => r.seconds >= 0 && r.seconds < 5));
});

Deno.test("with metrics off the middleware records nothing and only passes the request on", async () => {
  assert.equal((await app().request("/api/customers/1/orders", { method: "POST" })).status, 201);
});
