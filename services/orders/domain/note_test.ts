import assert from "node:assert/strict";
import { newOrder, type Order } from "./order.ts";
import { note, PAID_AFTER_CANCEL } from "./note.ts";

const T0 = new Date("2025-01-01T10:00:00Z");
const T1 = new Date("2025-01-01T10:05:00Z");

function cancelledOrder(): Order {
  const o = newOrder({
    id: "o-1",
    customerId: "c-1",
    items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    at: T0,
    cause: "customer",
    traceId: "",
  });
  return {
    ...o,
    status: "cancelled",
    timeline: [...o.timeline, { status: "cancelled", at: T0, cause: "customer", traceId: "" }],
  };
}

Deno.test("note appends a timeline entry with the current status and leaves the status alone", () => {
  const order = cancelledOrder();
  const r = note(order, { cause: PAID_AFTER_CANCEL, at: T1, traceId: "abc" });
  assert.ok(r.order);
  assert.equal(r.order.status, "cancelled");
  assert.equal(r.order.updatedAt, T1);
  assert.deepEqual(r.order.timeline.at(-1), {
    status: "cancelled",
    at: T1,
    cause: PAID_AFTER_CANCEL,
    traceId: "abc",
  });
  assert.equal(order.timeline.length, 2, "the input order is not modified");
});

Deno.test("note is idempotent per cause: the same fact twice is noted once", () => {
  const once = note(cancelledOrder(), { cause: PAID_AFTER_CANCEL, at: T1, traceId: "" }).order!;
  const twice = note(once, { cause: PAID_AFTER_CANCEL, at: T1, traceId: "" });
  assert.equal(twice.order, undefined);
  assert.match(twice.ignored!, /already notes/);
});
