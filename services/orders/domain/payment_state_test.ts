import assert from "node:assert/strict";
import { PaymentState } from "../../common/gen/oms/orders/v1/orders.ts";
import { newOrder, type Order } from "./order.ts";
import { transition } from "./transition.ts";
import {
  paidAmountOf,
  paymentStateFromProto,
  paymentStateOf,
  paymentStateToProto,
  refundedAmountOf,
} from "./payment_state.ts";

const by = { cause: "test", at: new Date(1000), traceId: "" };

function placed(): Order {
  return newOrder({
    id: "o1",
    customerId: "c1",
    items: [],
    total: { amount: 1200, currency: "EUR" },
    at: new Date(0),
    cause: "customer",
    traceId: "",
  });
}

function moved(o: Order, ...to: Order["status"][]): Order {
  for (const s of to) o = transition(o, s, by).order!;
  return o;
}

Deno.test("an order not paid yet, or cancelled before payment, is unpaid", () => {
  assert.equal(paymentStateOf(placed()), "unpaid");
  assert.equal(paymentStateOf(moved(placed(), "waiting_payment", "cancelled")), "unpaid");
  assert.equal(paidAmountOf(moved(placed(), "cancelled")), 0);
});

Deno.test("a paid order stays paid through the kitchen; a refunded one is refunded in full", () => {
  const done = moved(placed(), "paid", "preparing", "ready", "completed");
  assert.equal(paymentStateOf(done), "paid");
  assert.equal(paidAmountOf(done), 1200);
  const refunded = moved(placed(), "paid", "refunded");
  assert.equal(paymentStateOf(refunded), "refunded");
  assert.equal(refundedAmountOf(refunded), 1200);
});

Deno.test("a recorded partial refund makes the order partially refunded", () => {
  const o = { ...moved(placed(), "paid", "preparing"), refunded: { amount: 200, currency: "EUR" } };
  assert.equal(paymentStateOf(o), "partially_refunded");
  assert.equal(refundedAmountOf(o), 200);
  assert.equal(paymentStateOf({ ...o, refunded: { amount: 1200, currency: "EUR" } }), "refunded");
});

Deno.test("payment states map to and from the proto enum", () => {
  assert.equal(paymentStateToProto("partially_refunded"), PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
  assert.equal(paymentStateFromProto(PaymentState.PAYMENT_STATE_REFUNDED), "refunded");
  assert.equal(paymentStateFromProto(PaymentState.PAYMENT_STATE_UNSPECIFIED), undefined);
});
