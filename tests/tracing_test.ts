/**
 * Tracing across the real processes: the whole system exports its spans over OTLP/HTTP to a receiver in
 * this test (what Jaeger's collector does in compose), and one order, placed, paid and prepared, is one
 * trace whose tree is checked link by link.
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { traceIdOf } from "../services/common/trace.ts";
import {
  describeSpans,
  OtlpSpanKind,
  type ReceivedSpan,
  renderTree,
  startOtlpReceiver,
} from "../services/common/tracing/testing.ts";
import { eventually, startSystem, type System } from "./system.ts";

const SERVICES = ["web", "orders", "stock", "payments", "kitchen"];

/** The consumer span expected in each service for each hop of the order's life. */
const HOPS: [service: string, routingKey: string][] = [
  // no order.created hop: it is held, and taken back when CreatePaymentLink's link is attached
  ["orders", "payment.succeeded"],
  ["kitchen", "order.paid"],
  ["stock", "order.paid"],
  ["orders", "kitchen.ticket_started"],
  ["orders", "kitchen.ticket_ready"],
];

async function orderOf(sys: System, customer: string, id: string) {
  const res = await sys.api(
    "GET",
    `/api/customers/${customer}/orders/${id}`,
    undefined,
    await sys.proof(customer),
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

function one(spans: ReceivedSpan[], what: string, pred: (s: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(pred);
  assert.equal(found.length, 1, `expected one ${what}, found ${found.length} in\n${describeSpans(spans)}`);
  return found[0]!;
}

Deno.test("one order is one trace across web, orders, stock, payments and kitchen, async hops included, nothing orphaned", async () => {
  assert.equal(Deno.env.get("OTEL_DENO"), undefined, "Deno's built-in OpenTelemetry must stay off");
  const receiver = await startOtlpReceiver();
  const sys = await startSystem({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" },
  });
  try {
    const created = await sys.api("POST", "/api/customers/trace-1/orders", {
      items: [{ id: "1", quantity: 1 }],
    }, await sys.proof("trace-1"));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const order = created.body;
    const traceId = traceIdOf(created.headers.get("traceparent") ?? "");
    assert.ok(traceId, "the gateway answers with the trace it started");

    const session = String(order.paymentLink).match(/\/pay\/([^/?#]+)/)?.[1];
    assert.ok(session, `payment link ${order.paymentLink} names a session`);
    const paid = await sys.api("POST", `/api/payments/local/${session}`, { outcome: "pay" });
    assert.ok(paid.status < 400, JSON.stringify(paid.body));
    const payTraceId = traceIdOf(paid.headers.get("traceparent") ?? "");
    assert.notEqual(payTraceId, traceId, "the pay request is a request of its own");
    await eventually(async () => (await orderOf(sys, "trace-1", order.id)).status === "paid", "order paid");
    await eventually(
      async () => (await rpc(sys.kitchen, "getTicket", { orderId: order.id }).catch(() => undefined))?.ticket,
      "kitchen ticket",
    );
    // staff actions from the harness (no trace context of their own): the kitchen events continue the order
    await rpc(sys.kitchen, "startTicket", { orderId: order.id });
    await eventually(
      async () => (await orderOf(sys, "trace-1", order.id)).status === "preparing",
      "preparing",
    );
    await rpc(sys.kitchen, "completeTicket", { orderId: order.id });
    const ready = await eventually(async () => {
      const o = await orderOf(sys, "trace-1", order.id);
      return o.status === "ready" ? o : undefined;
    }, "ready");
    assert.deepEqual(
      ready.timeline.map((t: { status: string; traceId: string }) => [t.status, t.traceId]),
      ["pending", "waiting_payment", "paid", "preparing", "ready"].map((s) => [s, traceId]),
      "every timeline entry names the order's trace",
    );

    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    await receiver.waitFor(
      () =>
        HOPS.every(([service, key]) =>
          inTrace().some((s) => s.service === service && s.name === `process ${key}`)
        ) && inTrace().filter((s) => s.name === "publish kitchen.ticket_ready").length > 0,
      "the spans of every hop",
    );
    await new Promise((r) => setTimeout(r, 500)); // stragglers of the last batch
    const spans = inTrace();
    const tree = `\n${renderTree(receiver.spans, traceId)}`;

    // one trace, every service in it
    assert.deepEqual([...new Set(spans.map((s) => s.service))].sort(), [...SERVICES].sort(), tree);

    // one root: the gateway's server span of the order request
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const roots = spans.filter((s) => !s.parentSpanId);
    assert.equal(roots.length, 1, tree);
    const root = roots[0]!;
    assert.equal(root.service, "web");
    assert.equal(root.kind, OtlpSpanKind.SERVER);
    assert.equal(root.name, "POST /api/customers/:customerId/orders");
    assert.equal(root.attributes["http.request.method"], "POST");
    assert.equal(root.attributes["http.route"], "/api/customers/:customerId/orders");
    assert.equal(root.attributes["url.path"], "/api/customers/trace-1/orders");
    assert.equal(root.attributes["http.response.status_code"], 201);

    // nothing orphaned: every other span's parent was received, in this trace
    const orphans = spans.filter((s) => s.parentSpanId && !byId.has(s.parentSpanId));
    assert.deepEqual(orphans.map((s) => `${s.service} ${s.name}`), [], tree);

    // gRPC: each server span is the child of a client span of the same method in another process
    const servers = spans.filter((s) =>
      s.kind === OtlpSpanKind.SERVER && s.attributes["rpc.system"] === "grpc"
    );
    assert.ok(servers.length >= 3, tree);
    for (const s of servers) {
      const parent = byId.get(s.parentSpanId)!;
      assert.equal(parent.kind, OtlpSpanKind.CLIENT, `${s.service} ${s.name}`);
      assert.equal(parent.name, s.name);
      assert.notEqual(parent.service, s.service);
      assert.equal(s.attributes["rpc.grpc.status_code"], 0);
      assert.equal(parent.attributes["rpc.grpc.status_code"], 0);
    }
    const call = (from: string, to: string, name: string) =>
      one(
        spans,
        `${from} -> ${to} ${name}`,
        (s) => s.service === to && s.name === name && byId.get(s.parentSpanId)?.service === from,
      );
    assert.equal(
      call("web", "orders", "oms.orders.v1.OrdersService/CreateOrder").attributes["rpc.method"],
      "CreateOrder",
    );
    call("orders", "stock", "oms.stock.v1.StockService/ReserveItems");
    const link = call("orders", "payments", "oms.payments.v1.PaymentsService/CreatePaymentLink");
    // the provider is called inside CreatePaymentLink, once; order.created was never sent
    const providerSpans = spans.filter((s) => s.name === "local createCheckout");
    assert.equal(providerSpans.length, 1, `one provider span in\n${tree}`);
    assert.equal(providerSpans[0]!.kind, OtlpSpanKind.CLIENT);
    assert.equal(providerSpans[0]!.service, "payments");
    assert.equal(
      providerSpans[0]!.parentSpanId,
      link.spanId,
      "the provider call happens inside CreatePaymentLink",
    );
    assert.ok(
      !spans.some((s) => s.name.endsWith(" order.created")),
      "no order.created published or processed",
    );

    // messaging: every consumer span is the child of the producer span that published its message
    const consumers = spans.filter((s) => s.kind === OtlpSpanKind.CONSUMER);
    for (const c of consumers) {
      const producer = byId.get(c.parentSpanId)!;
      assert.equal(producer.kind, OtlpSpanKind.PRODUCER, `${c.service} ${c.name}: parent ${producer.name}`);
      assert.equal(producer.attributes["messaging.message.id"], c.attributes["messaging.message.id"]);
      assert.equal(producer.name, c.name.replace(/^process /, "publish "));
      assert.equal(c.attributes["messaging.system"], "rabbitmq");
      assert.equal(producer.attributes["messaging.destination.name"], sys.bus.config.exchange);
    }
    for (const [service, key] of HOPS) {
      const c = one(
        spans,
        `${service} process ${key}`,
        (s) => s.service === service && s.name === `process ${key}`,
      );
      assert.equal(c.attributes["messaging.rabbitmq.destination.routing_key"], key);
      assert.equal(c.attributes["oms.messaging.outcome"], "processed");
    }
    // every producer span hangs off the span that enqueued its record (a handler, or a continuation)
    for (const p of spans.filter((s) => s.kind === OtlpSpanKind.PRODUCER)) {
      assert.ok(p.parentSpanId && byId.has(p.parentSpanId), `${p.service} ${p.name}`);
      assert.ok(p.links.length > 0, `${p.name} links to its relay pass`);
    }

    // requests of their own (the pay page, the staff actions) are linked from where the order continues
    const payment = one(spans, "payment continuation", (s) => s.name === "payment provider event succeeded");
    assert.equal(payment.service, "payments");
    assert.ok(payment.links.some((l) => l.traceId === payTraceId), "linked to the pay request's trace");
    const kitchenContinuations = spans.filter((s) => s.service === "kitchen" && s.name === "continue trace");
    assert.equal(kitchenContinuations.length, 2, tree);
    for (const k of kitchenContinuations) {
      assert.ok(k.links.length === 1 && k.links[0]!.traceId !== traceId, "linked to the staff action");
    }
    const payTrace = receiver.spans.filter((s) => s.traceId === payTraceId);
    assert.ok(payTrace.some((s) => s.service === "web" && s.name === "POST /api/payments/local/:sessionId"));

    // and no span anywhere names a parent that was never received
    const all = new Set(receiver.spans.map((s) => `${s.traceId}/${s.spanId}`));
    const lost = receiver.spans.filter((s) => s.parentSpanId && !all.has(`${s.traceId}/${s.parentSpanId}`));
    assert.deepEqual(lost.map((s) => `${s.service} ${s.name}`), []);
  } finally {
    await sys.stop();
    await receiver.stop();
  }
});
