import assert from "node:assert/strict";
import { Order } from "./gen/oms/orders/v1/orders.ts";
import { customerViewOf } from "./order_audience.ts";

Deno.test("a customer's view keeps the notes meant for them without authors, and drops every staff name", () => {
  const at = "2026-12-01T12:00:00Z";
  const staffView = Order.fromJSON({
    id: "o-1",
    customerId: "c-1",
    timeline: [
      { status: 1, at, cause: "customer", traceId: "t1" },
      { status: 7, at, cause: "admin", traceId: "t2", actor: "ana" },
    ],
    refunds: [{ id: "r-1", amount: { amount: "100", currency: "EUR" }, reason: "cold", by: "ana", at }],
    notes: [
      { id: "n-1", at, author: "ana", text: "Regular, knows the owner", visibleToCustomer: false },
      { id: "n-2", at, author: "ana", text: "Ready at six", visibleToCustomer: true },
    ],
  });
  const before = structuredClone(staffView);
  const view = customerViewOf(staffView);
  assert.deepEqual(view.timeline.map((t) => t.actor), [undefined, undefined]);
  assert.deepEqual(view.timeline.map((t) => t.cause), ["customer", "admin"]);
  assert.deepEqual(view.refunds.map((r) => [r.id, r.by, r.reason]), [["r-1", "", "cold"]]);
  assert.deepEqual(view.notes.map((n) => [n.text, n.author]), [["Ready at six", ""]]);
  assert.equal(view.id, "o-1");
  assert.deepEqual(staffView, before, "the staff view is left as it was");
});
