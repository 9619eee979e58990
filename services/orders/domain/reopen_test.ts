import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { placeOrder } from "./lifecycle.ts";
import type { Order, OrderStatus } from "./order.ts";
import { reopenOrder, ReopenTooEarly } from "./reopen.ts";

const by = { cause: "kitchen.ticket_reopened", at: new Date(5000), traceId: "" };

function orderIn(status: OrderStatus): Order {
  const { order } = placeOrder({
    id: "o-1",
    customerId: "alice",
    items: [],
    total: { amount: 100, currency: "EUR" },
    at: new Date(0),
    cause: "customer",
    traceId: "",
  });
  return { ...order, status };
}

Deno.test("a reopened ticket moves the order back one step with a timeline entry naming who", () => {
  const bumpUndone = reopenOrder(orderIn("ready"), "preparing", by, "Ada");
  assert.equal(bumpUndone.order?.status, "preparing");
  assert.deepEqual(bumpUndone.order?.timeline.at(-1), {
    status: "preparing",
    at: by.at,
    cause: "kitchen.ticket_reopened",
    traceId: "",
    actor: "Ada",
  });
  assert.deepEqual(bumpUndone.events, [], "orders announces nothing: the kitchen already did");
  const startUndone = reopenOrder(orderIn("preparing"), "queued", by, "");
  assert.equal(startUndone.order?.status, "paid");
  assert.ok(!("actor" in startUndone.order!.timeline.at(-1)!), "no actor when the kitchen did it itself");
});

Deno.test("a repeated reopen is ignored; one that overtook the forward move waits; a finished order refuses", () => {
  assert.match(reopenOrder(orderIn("preparing"), "preparing", by, "Ada").ignored ?? "", /already preparing/);
  assert.match(reopenOrder(orderIn("paid"), "queued", by, "Ada").ignored ?? "", /already paid/);
  assert.throws(() => reopenOrder(orderIn("paid"), "preparing", by, "Ada"), ReopenTooEarly);
  assert.throws(() => reopenOrder(orderIn("ready"), "queued", by, "Ada"), ReopenTooEarly);
  for (const status of ["completed", "refunded", "cancelled"] as const) {
    assert.throws(
      () => reopenOrder(orderIn(status), "preparing", by, "Ada"),
      (e: unknown) => e instanceof DomainError && e.code === "illegal_transition",
      status,
    );
  }
});
