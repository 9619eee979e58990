/**
 * The SDK as a process runs it: a metrics port serves Prometheus text under the names in `names.ts`
 * (unit suffixes, `_total`), with the labels the recording functions give; gauges are read on scrape;
 * OTLP pushes go to the endpoint; without either nothing records.
 */
import assert from "node:assert/strict";
import { METRIC } from "./names.ts";
import { setupMetrics } from "./setup.ts";
import {
  countFlagFired,
  metricsEnabled,
  recordConsumed,
  recordConsumerLag,
  recordHttp,
  recordOrderTransition,
  recordRpcClient,
  recordRpcServer,
  recordSent,
  recordTimeToReady,
} from "./record.ts";
import { addGaugeSource } from "./gauges.ts";
import { parsePrometheusText } from "./prometheus_text.ts";
import { familyNames, sumOf } from "./samples.ts";
import { freePort } from "../../../scripts/launcher.ts";

Deno.test("without a port or an endpoint nothing is set up and recording is a no-op", async () => {
  const m = await setupMetrics("orders", {});
  assert.equal(m.enabled, false);
  assert.equal(metricsEnabled(), false);
  recordRpcServer("/a.B/C", 0, 1); // returns at once
  await m.shutdown();
});

Deno.test("a metrics port serves every recorded metric under its names.ts name and labels", async () => {
  const port = freePort();
  const m = await setupMetrics("orders", { ORDERS_METRICS_PORT: String(port) });
  const removeGauge = addGaugeSource((observe) => {
    observe("orders", 3, { status: "paid" });
    observe("queueDepth", 5, { "messaging.destination.name": "oms.orders" });
    observe("outboxRecords", 2, { "oms.service": "orders" });
    observe("outboxOldestAge", 1.5, { "oms.service": "orders" });
    observe("deadLetters", 0, { "oms.service": "orders" });
    observe("kitchenOpenTickets", 1, { status: "queued", age: "lt5m" });
  });
  const failing = addGaugeSource(() => Promise.reject(new Error("store closed")));
  try {
    assert.equal(m.enabled, true);
    assert.equal(m.url, `http://127.0.0.1:${port}/metrics`);
    assert.equal(metricsEnabled(), true);
    recordRpcServer("/oms.orders.v1.OrdersService/CreateOrder", 0, 12);
    recordRpcServer("/oms.orders.v1.OrdersService/CreateOrder", 0, 30);
    recordRpcServer("/oms.orders.v1.OrdersService/CreateOrder", 9, 3);
    recordRpcClient("/oms.stock.v1.StockService/ReserveItems", 0, 4);
    recordHttp("POST", "/api/customers/:customerId/orders", 201, 0.02);
    recordConsumed("oms.orders", "payment.succeeded", "processed", 0.004);
    recordConsumed("oms.orders", "payment.succeeded", "retried", 0.004);
    recordConsumerLag("oms.orders", 0.05);
    recordSent("order.created");
    recordSent("order.created", "Error");
    recordOrderTransition("paid");
    recordTimeToReady(300);
    countFlagFired("payment.decline_rate");
    const res = await fetch(m.url!);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const { samples } = parsePrometheusText(await res.text());
    const names = familyNames(samples);
    for (const name of Object.values(METRIC)) {
      if (name === METRIC.reconciled) continue; // recorded by payments' reconciliation only
      assert.ok(names.has(name), `${name} is not exported; got ${[...names].join(", ")}`);
    }
    const createOrder = { rpc_service: "oms.orders.v1.OrdersService", rpc_method: "CreateOrder" };
    assert.equal(sumOf(samples, `${METRIC.rpcServerDuration}_count`, createOrder), 3);
    assert.equal(
      sumOf(samples, `${METRIC.rpcServerDuration}_count`, { ...createOrder, rpc_grpc_status_code: "0" }),
      2,
    );
    assert.equal(
      sumOf(samples, `${METRIC.rpcServerDuration}_sum`, { ...createOrder, rpc_grpc_status_code: "0" }),
      42,
    );
    assert.equal(
      sumOf(samples, `${METRIC.httpServerDuration}_count`, {
        http_request_method: "POST",
        http_route: "/api/customers/:customerId/orders",
        http_response_status_code: "201",
      }),
      1,
    );
    const consumed = {
      messaging_destination_name: "oms.orders",
      messaging_rabbitmq_destination_routing_key: "payment.succeeded",
    };
    assert.equal(sumOf(samples, METRIC.consumed, { ...consumed, oms_outcome: "processed" }), 1);
    assert.equal(sumOf(samples, METRIC.consumed, { ...consumed, oms_outcome: "retried" }), 1);
    assert.equal(sumOf(samples, `${METRIC.processDuration}_count`, consumed), 2);
    assert.equal(
      sumOf(samples, METRIC.sent, { messaging_rabbitmq_destination_routing_key: "order.created" }),
      2,
    );
    assert.equal(sumOf(samples, METRIC.sent, { error_type: "Error" }), 1);
    assert.equal(sumOf(samples, METRIC.orders, { status: "paid" }), 3);
    assert.equal(sumOf(samples, METRIC.outboxOldestAge, { oms_service: "orders" }), 1.5);
    assert.equal(sumOf(samples, METRIC.kitchenOpenTickets, { status: "queued", age: "lt5m" }), 1);
    assert.equal(sumOf(samples, METRIC.flagFired, { flag: "payment.decline_rate" }), 1);
    assert.equal(
      await fetch(`http://127.0.0.1:${port}/other`).then(async (r) => (await r.body?.cancel(), r.status)),
      404,
    );
  } finally {
    removeGauge();
    failing();
    await m.shutdown();
  }
  assert.equal(metricsEnabled(), false);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
});

Deno.test("with an OTLP endpoint metrics are pushed there under their semantic-convention names", async () => {
  const bodies: unknown[] = [];
  const got = Promise.withResolvers<void>();
  const collector = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    if (new URL(req.url).pathname === "/v1/metrics") {
      bodies.push(await req.json());
      got.resolve();
    }
    return new Response("{}", { headers: { "content-type": "application/json" } });
  });
  const m = await setupMetrics("stock", {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.addr.port}`,
    OTEL_METRIC_EXPORT_INTERVAL: "100",
  });
  try {
    assert.equal(m.url, undefined);
    recordRpcServer("/oms.stock.v1.StockService/ReserveItems", 0, 5);
    await got.promise;
  } finally {
    await m.shutdown();
    await collector.shutdown();
  }
  const text = JSON.stringify(bodies);
  assert.match(text, /"rpc\.server\.duration"/);
  assert.match(text, /"service\.name","value":\{"stringValue":"stock"\}/);
});
