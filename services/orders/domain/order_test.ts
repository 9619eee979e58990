import assert from "node:assert/strict";
import { OrderAction, PaymentState } from "../../common/gen/oms/orders/v1/orders.ts";
import { newOrder, type Order, orderToProto } from "./order.ts";

const at = new Date("2026-01-01T00:00:00Z");
const order: Order = newOrder({
  id: "o1",
  customerId: "c1",
  items: [],
  total: { amount: 0, currency: "EUR" },
  at,
  cause: "customer",
  traceId: "",
});

Deno.test("the Order message carries the actions its state allows now", () => {
  assert.deepEqual(orderToProto(order).allowedActions, [OrderAction.ORDER_ACTION_CANCEL]);
  assert.deepEqual(
    orderToProto({ ...order, status: "waiting_payment", paymentLink: "http://p/pay/1" }).allowedActions,
    [OrderAction.ORDER_ACTION_CANCEL, OrderAction.ORDER_ACTION_PAY],
  );
  assert.deepEqual(orderToProto({ ...order, status: "paid" }).allowedActions, [
    OrderAction.ORDER_ACTION_REFUND,
  ]);
  assert.deepEqual(orderToProto({ ...order, status: "ready" }).allowedActions, [
    OrderAction.ORDER_ACTION_COMPLETE,
    OrderAction.ORDER_ACTION_REFUND,
  ]);
  assert.deepEqual(orderToProto({ ...order, status: "completed" }).allowedActions, [
    OrderAction.ORDER_ACTION_REFUND,
  ]);
});

Deno.test("a customer's Order message has only the notes visible to them and no staff names; staff see all", () => {
  const noted: Order = {
    ...order,
    status: "paid",
    total: { amount: 900, currency: "EUR" },
    timeline: [{ status: "paid", at, cause: "admin", traceId: "", actor: "anna" }],
    notes: [
      { id: "n1", at, author: "anna", text: "internal", visibleToCustomer: false },
      { id: "n2", at, author: "anna", text: "Ready at six", visibleToCustomer: true },
    ],
    refunds: [{
      id: "r1",
      amount: { amount: 300, currency: "EUR" },
      reason: "cold",
      by: "anna",
      at,
      providerRefundId: "re_1",
    }],
  };
  const customer = orderToProto(noted);
  assert.deepEqual(customer.notes.map((n) => [n.text, n.author]), [["Ready at six", ""]]);
  assert.equal(customer.timeline[0]!.actor, undefined);
  assert.equal(customer.refunds[0]!.by, "");
  const staff = orderToProto(noted, "staff");
  assert.deepEqual(staff.notes.map((n) => n.text), ["internal", "Ready at six"]);
  assert.equal(staff.timeline[0]!.actor, "anna");
  assert.equal(staff.refunds[0]!.by, "anna");
  assert.equal(staff.paymentState, PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
  assert.deepEqual(staff.refunded, { amount: 300, currency: "EUR" });
});
