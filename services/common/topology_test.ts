import assert from "node:assert/strict";
import { queuesOf, TOPOLOGY } from "./topology.ts";
import { checkTopology } from "./bus/messaging.ts";
import { EVENTS } from "./events.ts";

Deno.test("every routing key in the topology is in the event catalog, and every consumed event has a queue", () => {
  for (const keys of Object.values(TOPOLOGY)) for (const k of keys) assert.ok(k in EVENTS, k);
  assert.deepEqual(queuesOf("oms").map((q) => q.queue), [
    "oms.orders",
    "oms.stock",
    "oms.payments",
    "oms.kitchen",
  ]);
});

Deno.test("a service whose handlers drift from its bindings refuses to start", () => {
  assert.throws(
    () => checkTopology("kitchen", ["order.paid", "order.cancelled"]),
    /handled but not bound: order.cancelled/,
  );
  assert.throws(
    () => checkTopology("stock", ["order.paid"]),
    /bound but not handled: order.cancelled/,
  );
  checkTopology("kitchen", ["order.paid", "order.completed", "order.refunded"]);
  checkTopology("orders", []); // publisher-only
});

Deno.test("stock no longer hears order.created (its sweeper asks orders), and unbinds it from queues older versions made; orders hears payment.refunded (to record refunds)", () => {
  assert.ok(!TOPOLOGY.stock.includes("order.created"));
  assert.deepEqual(queuesOf("oms").find((q) => q.queue === "oms.stock")?.retired, ["order.created"]);
  assert.ok(queuesOf("oms").filter((q) => q.queue !== "oms.stock").every((q) => q.retired === undefined));
  assert.ok(TOPOLOGY.orders.includes("payment.refunded"));
});

Deno.test("kitchen hears order.refunded (cancels the ticket) and order.completed (no recall after hand-over); orders hears kitchen.ticket_reopened", () => {
  assert.ok(TOPOLOGY.kitchen.includes("order.refunded"));
  assert.ok(TOPOLOGY.kitchen.includes("order.completed"));
  assert.ok(TOPOLOGY.orders.includes("kitchen.ticket_reopened"));
});
