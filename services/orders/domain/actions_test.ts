import assert from "node:assert/strict";
import { allowedActions } from "./actions.ts";
import { newOrder, type Order, type OrderStatus } from "./order.ts";

function orderIn(status: OrderStatus, paymentLink = ""): Order {
  const o = newOrder({
    id: "o-1",
    customerId: "alice",
    items: [],
    total: { amount: 100, currency: "EUR" },
    at: new Date(0),
    cause: "customer",
    traceId: "",
  });
  return { ...o, status, paymentLink };
}

Deno.test("allowedActions follows the state machine in every status", () => {
  const expected: Record<OrderStatus, string[]> = {
    pending: ["cancel"],
    waiting_payment: ["pay", "cancel"],
    paid: ["refund"],
    preparing: [],
    ready: ["complete"],
    completed: [],
    cancelled: [],
    refunded: [],
  };
  for (const [status, actions] of Object.entries(expected)) {
    const link = status === "pending" ? "" : "https://pay.example/s1";
    assert.deepEqual(allowedActions(orderIn(status as OrderStatus, link)), actions, status);
  }
});

Deno.test("pay needs a payment link: a waiting order without one offers only cancel", () => {
  assert.deepEqual(allowedActions(orderIn("waiting_payment")), ["cancel"]);
});
