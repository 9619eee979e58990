/**
 * Metrics of a running system (four services and web as real processes on the real RabbitMQ), scraped
 * from each process's own metrics port while an order is placed, paid and prepared:
 *
 * - each RED metric carries the right labels and counts (a CreateOrder served by orders and called by
 *   web, the ReserveItems orders called on stock, the checkout route web answered, the payment event
 *   orders consumed, the events the relays published, the order funnel, time to ready, open tickets,
 *   outboxes, dead letters and queue depths);
 * - every metric a Grafana panel in deploy/grafana/dashboards/ queries is one the system exports (a
 *   renamed or dropped metric fails here, not on an operator's empty chart).
 *
 * One system for both, to keep the wall time down (about 20 s here).
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { METRIC } from "../services/common/metrics/names.ts";
import { parsePrometheusText, type Sample } from "../services/common/metrics/prometheus_text.ts";
import { familyNames, sumOf } from "../services/common/metrics/samples.ts";
import type { ProcessName } from "../scripts/launcher.ts";
import { eventually, startSystem, type System } from "./system.ts";
import { dashboardMetricNames, readDashboards } from "./dashboards.ts";

const PROCESS_NAMES: ProcessName[] = ["orders", "stock", "payments", "kitchen", "web"];

/** The samples `/metrics` of process `name` answers now. */
async function scrape(sys: System, name: ProcessName): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${sys.metricsPorts[name]}/metrics`);
  assert.equal(res.status, 200, `${name}'s metrics endpoint answers`);
  return parsePrometheusText(await res.text()).samples;
}

async function scrapeAll(sys: System): Promise<Record<ProcessName, Sample[]>> {
  const all = await Promise.all(PROCESS_NAMES.map((n) => scrape(sys, n)));
  return Object.fromEntries(PROCESS_NAMES.map((n, i) => [n, all[i]!])) as Record<ProcessName, Sample[]>;
}

const count = (name: string) => `${name}_count`;
const ok = { rpc_grpc_status_code: "0" };
const ordersService = { rpc_service: "oms.orders.v1.OrdersService" };

Deno.test("a scrape of each process during an order shows every RED metric with the right labels and counts, and every dashboard query names an exported metric", async () => {
  const sys = await startSystem();
  try {
    const queue = (service: string) => `${sys.bus.config.queuePrefix}.${service}`;
    const before = await scrapeAll(sys);

    // place, pay and prepare one order
    const created = await sys.api(
      "POST",
      "/api/customers/2/orders",
      { ID: 1, Quantity: 1 },
      await sys.proof("2"),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const orderId: string = created.body.id;
    const session = String(created.body.paymentLink).match(/\/pay\/([^/?#]+)/)![1]!;
    const paid = await sys.api("POST", `/api/payments/local/${session}`, { outcome: "pay" });
    assert.ok(paid.status < 400, JSON.stringify(paid.body));
    await eventually(
      async () => (await rpc(sys.kitchen, "getTicket", { orderId }).catch(() => undefined))?.ticket,
      "kitchen ticket",
    );
    await rpc(sys.kitchen, "startTicket", { orderId });
    await rpc(sys.kitchen, "completeTicket", { orderId });
    await eventually(
      async () =>
        (await sys.api("GET", `/api/customers/2/orders/${orderId}`, undefined, await sys.proof("2"))).body
          .status === "ready",
      "order ready",
    );

    // the relays and consumers finish asynchronously: wait until orders has seen the kitchen's events
    const after = await eventually(async () => {
      const s = await scrapeAll(sys);
      return sumOf(s.orders, METRIC.orderTransitions, { status: "ready" }) >= 1 ? s : undefined;
    }, "orders counted the transition to ready");
    const delta = (p: ProcessName, name: string, labels: Record<string, string> = {}) =>
      sumOf(after[p], name, labels) - sumOf(before[p], name, labels);

    // gRPC server and client, by service, method and status
    assert.equal(
      delta("orders", count(METRIC.rpcServerDuration), {
        ...ordersService,
        rpc_method: "CreateOrder",
        ...ok,
      }),
      1,
    );
    assert.equal(
      delta("web", count(METRIC.rpcClientDuration), { ...ordersService, rpc_method: "CreateOrder", ...ok }),
      1,
    );
    const reserve = { rpc_service: "oms.stock.v1.StockService", rpc_method: "ReserveItems", ...ok };
    assert.equal(delta("stock", count(METRIC.rpcServerDuration), reserve), 1);
    assert.equal(delta("orders", count(METRIC.rpcClientDuration), reserve), 1);
    assert.ok(sumOf(after.orders, `${METRIC.rpcServerDuration}_sum`, { rpc_method: "CreateOrder" }) > 0);
    assert.equal(
      delta("kitchen", count(METRIC.rpcServerDuration), {
        rpc_service: "oms.kitchen.v1.KitchenService",
        rpc_method: "StartTicket",
        ...ok,
      }),
      1,
    );

    // HTTP by route template and status
    const checkout = {
      http_request_method: "POST",
      http_route: "/api/customers/:customerId/orders",
      http_response_status_code: "201",
    };
    assert.equal(delta("web", count(METRIC.httpServerDuration), checkout), 1);
    assert.equal(
      delta("web", count(METRIC.httpServerDuration), { http_route: "/api/payments/local/:sessionId" }),
      1,
    );
    assert.ok(
      !after.web.some((s) =>
        s.labels.http_route?.includes(orderId) || s.labels.http_route?.includes(session)
      ),
      "routes are templates, never raw paths",
    );

    // consumers by queue, routing key and outcome; process duration and lag
    const paymentEvent = {
      messaging_destination_name: queue("orders"),
      messaging_rabbitmq_destination_routing_key: "payment.succeeded",
    };
    assert.equal(delta("orders", METRIC.consumed, { ...paymentEvent, oms_outcome: "processed" }), 1);
    assert.equal(delta("orders", count(METRIC.processDuration), paymentEvent), 1);
    assert.ok(
      delta("orders", count(METRIC.consumerLag), { messaging_destination_name: queue("orders") }) >= 1,
    );
    const paidEvent = {
      messaging_destination_name: queue("kitchen"),
      messaging_rabbitmq_destination_routing_key: "order.paid",
    };
    assert.equal(delta("kitchen", METRIC.consumed, { ...paidEvent, oms_outcome: "processed" }), 1);
    // nothing parked or failed; a retry is allowed (an event that overtook the one it depends on, e.g.
    // under load, waits its turn by design; consumer_metrics_test counts retries exactly)
    for (const p of ["orders", "kitchen", "stock", "payments"] as const) {
      for (const outcome of ["parked", "failed"]) {
        assert.equal(delta(p, METRIC.consumed, { oms_outcome: outcome }), 0, `${p}: nothing ${outcome}`);
      }
    }

    // relay publishes (no failures)
    assert.equal(
      delta("payments", METRIC.sent, { messaging_rabbitmq_destination_routing_key: "payment.succeeded" }),
      1,
    );
    assert.equal(
      delta("orders", METRIC.sent, { messaging_rabbitmq_destination_routing_key: "order.created" }),
      0,
      "order.created was held and taken back when the link was attached",
    );
    assert.equal(
      delta("orders", METRIC.sent, { messaging_rabbitmq_destination_routing_key: "order.paid" }),
      1,
    );
    assert.ok(!after.orders.some((s) => s.name === METRIC.sent && s.labels.error_type), "no failed publish");

    // the order funnel and time to ready (orders), open tickets (kitchen)
    for (const status of ["pending", "waiting_payment", "paid", "preparing", "ready"]) {
      assert.equal(delta("orders", METRIC.orderTransitions, { status }), 1, `one order entered ${status}`);
    }
    assert.equal(sumOf(after.orders, METRIC.orders, { status: "ready" }), 1);
    assert.equal(sumOf(after.orders, METRIC.orders, { status: "waiting_payment" }), 0);
    assert.equal(delta("orders", count(METRIC.timeToReady)), 1);
    assert.equal(sumOf(after.kitchen, METRIC.kitchenOpenTickets, { status: "ready", age: "lt5m" }), 1);
    assert.equal(sumOf(after.kitchen, METRIC.kitchenOpenTickets, { status: "queued" }), 0);

    // outboxes, dead letters and queue depths, per service
    for (const p of ["orders", "stock", "payments", "kitchen"] as const) {
      const names = familyNames(after[p]);
      for (const m of [METRIC.outboxRecords, METRIC.outboxOldestAge, METRIC.deadLetters]) {
        assert.ok(after[p].some((s) => s.name === m && s.labels.oms_service === p), `${p} reports ${m}`);
      }
      assert.equal(sumOf(after[p], METRIC.deadLetters, { oms_service: p }), 0, `${p} parked nothing`);
      assert.ok(names.has(METRIC.queueDepth), `${p} reports its queue depth`);
      assert.ok(
        after[p].some((s) =>
          s.name === METRIC.queueDepth && s.labels.messaging_destination_name === queue(p)
        ),
        `${p}'s queue depth names ${queue(p)}`,
      );
    }

    // every metric a dashboard panel queries is exported by some process
    const exported = new Set(PROCESS_NAMES.flatMap((p) => [...familyNames(after[p])]));
    const dashboards = await readDashboards();
    assert.equal(dashboards.length, 3, "three dashboards: service RED, order funnel, messaging health");
    const missing: string[] = [];
    for (const d of dashboards) {
      for (const { panel, metric } of dashboardMetricNames(d)) {
        if (!exported.has(metric)) {
          missing.push(`${d.file}: "${panel}" queries ${metric}, which no process exports`);
        }
      }
    }
    assert.deepEqual(missing, []);
  } finally {
    await sys.stop();
  }
});
