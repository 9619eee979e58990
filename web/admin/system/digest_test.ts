import assert from "node:assert/strict";
import { METRIC } from "../../../services/common/metrics/names.ts";
import { digestOf } from "./digest.ts";
import { parsePrometheusText } from "../../../services/common/metrics/prometheus_text.ts";
import { StandInExporter } from "./testing.ts";

Deno.test("a service's digest: gRPC calls, server-side failures as errors, buckets in ms, messaging", () => {
  const x = new StandInExporter("rpc");
  x.observe(3); // OK
  x.observe(30, 5); // NOT_FOUND: an answer, not an error
  x.observe(300, 14); // UNAVAILABLE: an error
  x.observe(20000, 13); // INTERNAL, beyond the last bound
  x.queueDepth["oms.orders"] = 7;
  x.consumed["oms.orders"] = { processed: 10, parked: 1 };
  x.outbox.orders = { records: 4, oldestAgeSeconds: 2.5 };
  x.deadLetters.orders = 3;
  const d = digestOf(parsePrometheusText(x.text()), 1000, "rpc");
  assert.equal(d.at, 1000);
  assert.equal(d.requests, 4);
  assert.equal(d.errors, 2);
  assert.deepEqual(
    d.buckets.map((b) => [b.le, b.count]).filter(([le]) =>
      [0, 5, 25, 50, 250, 500, 10000, Infinity].includes(le!)
    ),
    [
      [0, 0],
      [5, 1],
      [25, 1],
      [50, 2],
      [250, 2],
      [500, 3],
      [10000, 3],
      [Infinity, 4],
    ],
  );
  assert.deepEqual(d.queueDepth, { "oms.orders": 7 });
  assert.deepEqual(d.consumed, { "oms.orders": { processed: 10, parked: 1 } });
  assert.deepEqual(d.outbox, { orders: { records: 4, oldestAgeSeconds: 2.5 } });
  assert.deepEqual(d.deadLetters, { orders: 3 });
});

Deno.test("web's digest: HTTP requests, 5xx as errors, seconds turned into ms", () => {
  const x = new StandInExporter("http");
  x.observe(40, 200);
  x.observe(40, 404);
  x.observe(900, 503);
  const d = digestOf(parsePrometheusText(x.text()), 0, "http");
  assert.equal(d.requests, 3);
  assert.equal(d.errors, 1);
  assert.deepEqual(d.buckets.find((b) => b.le === 50), { le: 50, count: 2 });
  assert.deepEqual(d.buckets.find((b) => b.le === 1000), { le: 1000, count: 3 });
});

Deno.test("series of other names and non-finite values are ignored", () => {
  const text = [
    `${METRIC.rpcClientDuration}_count{rpc_grpc_status_code="14"} 9`,
    `${METRIC.rpcServerDuration}_count{rpc_grpc_status_code="0"} NaN`,
    `${METRIC.deadLetters}{oms_service="stock"} 2`,
  ].join("\n");
  const d = digestOf(parsePrometheusText(text), 0, "rpc");
  assert.equal(d.requests, 0);
  assert.equal(d.errors, 0);
  assert.deepEqual(d.deadLetters, { stock: 2 });
});
