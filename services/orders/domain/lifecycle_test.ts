import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { cancel, placeOrder, recordPayment, recordRefund, refund } from "./lifecycle.ts";
import { PAID_AFTER_CANCEL, REFUNDED_AFTER_CANCEL } from "./note.ts";
import type { Order, OrderStatus } from "./order.ts";

const by = { cause: "test", at: new Date(5000), traceId: "" };

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

Deno.test("placeOrder returns the pending order and its order.created", () => {
  const { order, events } = placeOrder({
    id: "o-1",
    customerId: "alice",
    items: [],
    total: { amount: 100, currency: "EUR" },
    at: new Date(0),
    cause: "customer",
    traceId: "",
  });
  assert.equal(order.status, "pending");
  assert.deepEqual(events.map((e) => e.key), ["order.created"]);
});

Deno.test("each command returns the new state with the event it implies, or ignores a repeat", () => {
  const paid = recordPayment(orderIn("waiting_payment"), by, new Date(4000));
  assert.equal(paid.order?.status, "paid");
  assert.deepEqual(paid.events, [{
    key: "order.paid",
    payload: {
      orderId: "o-1",
      customerId: "alice",
      items: [],
      paidAt: new Date(4000),
      number: 0,
      details: undefined,
    },
  }]);
  assert.ok(recordPayment(orderIn("paid"), by).ignored);
  const cancelled = cancel(orderIn("pending"), by, "Changed my mind");
  assert.deepEqual(cancelled.events, [{
    key: "order.cancelled",
    payload: { orderId: "o-1", reason: "Changed my mind", cancelledAt: new Date(5000) },
  }]);
  assert.deepEqual(refund(orderIn("paid"), by).events?.map((e) => e.key), ["order.refunded"]);
});

Deno.test("a payment or refund of a cancelled order is a timeline note without events", () => {
  const noted = recordPayment(orderIn("cancelled"), by);
  assert.equal(noted.order?.status, "cancelled");
  assert.equal(noted.order?.timeline.at(-1)?.cause, PAID_AFTER_CANCEL);
  assert.deepEqual(noted.events, []);
  assert.equal(recordRefund(orderIn("cancelled"), by).order?.timeline.at(-1)?.cause, REFUNDED_AFTER_CANCEL);
  assert.throws(() => refund(orderIn("cancelled"), by), (err) => err instanceof DomainError);
});

Deno.test("order.created and order.paid carry the number and the details without phone and email", () => {
  const details = {
    name: "Ada",
    phone: "0170123456",
    email: "ada@example.org",
    note: "Ring twice",
    pickupAt: new Date(9e5),
  };
  const { order, events } = placeOrder({
    id: "o-2",
    customerId: "alice",
    items: [],
    total: { amount: 100, currency: "EUR" },
    at: new Date(0),
    cause: "customer",
    traceId: "",
    number: 1042,
    details,
  });
  assert.equal(order.number, 1042);
  assert.deepEqual(order.details, details, "the order keeps the contact");
  const withoutContact = { ...details, phone: "", email: "" };
  const created = events[0]!;
  assert.ok(created.key === "order.created");
  assert.equal(created.payload.number, 1042);
  assert.deepEqual(created.payload.details, withoutContact);
  const paid = recordPayment({ ...order, status: "waiting_payment" }, by).events?.[0];
  assert.ok(paid?.key === "order.paid");
  assert.equal(paid.payload.number, 1042);
  assert.deepEqual(paid.payload.details, withoutContact);
});
