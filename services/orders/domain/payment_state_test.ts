import assert from "node:assert/strict";
import { newOrder, type Order, type OrderStatus } from "./order.ts";
import { PaymentState as PaymentStateEnum } from "../../common/gen/oms/orders/v1/orders.ts";
import {
  paidAmountOf,
  paymentStateFromProto,
  paymentStateOf,
  refundableAmount,
  refundedAmount,
  refundedAmountOf,
} from "./payment_state.ts";
import { transition } from "./transition.ts";

const at = new Date("2026-11-30T12:00:00Z");
const base = newOrder({
  id: "o-1",
  customerId: "c-1",
  items: [],
  total: { amount: 1000, currency: "EUR" },
  at,
  cause: "customer",
  traceId: "",
});
const refund = (amount: number, providerRefundId: string) => ({
  id: crypto.randomUUID(),
  amount: { amount, currency: "EUR" },
  reason: "",
  by: "",
  at,
  providerRefundId,
});
const order = (status: OrderStatus, refunds: Order["refunds"] = []): Order => ({ ...base, status, refunds });

Deno.test("the payment state follows the status and the confirmed refunds", () => {
  assert.equal(paymentStateOf(order("pending")), "unpaid");
  assert.equal(paymentStateOf(order("waiting_payment")), "unpaid");
  assert.equal(paymentStateOf(order("cancelled")), "unpaid");
  assert.equal(paymentStateOf(order("paid")), "paid");
  assert.equal(
    paymentStateOf(order("preparing", [refund(100, "")])),
    "paid",
    "in flight is not refunded yet",
  );
  assert.equal(paymentStateOf(order("completed", [refund(100, "re_1")])), "partially_refunded");
  assert.equal(paymentStateOf(order("refunded")), "refunded");
});

Deno.test("refunded counts confirmed refunds (a refunded order without records counts its total); refundable subtracts every ask", () => {
  assert.deepEqual(refundedAmount(order("paid", [refund(100, "re_1"), refund(50, "")])), {
    amount: 100,
    currency: "EUR",
  });
  assert.equal(refundableAmount(order("paid", [refund(100, "re_1"), refund(50, "")])), 850);
  assert.deepEqual(refundedAmount(order("refunded")), { amount: 1000, currency: "EUR" });
  assert.equal(refundableAmount(order("refunded")), 0);
});

Deno.test("the figures' amounts: paid once the order was paid, refunded only what the provider confirmed", () => {
  const by = { cause: "test", at, traceId: "" };
  const paid = transition(base, "paid", by).order!;
  assert.equal(paidAmountOf(base), 0);
  assert.equal(paidAmountOf(paid), 1000);
  assert.equal(refundedAmountOf({ ...paid, refunds: [refund(300, "re_1"), refund(50, "")] }), 300);
  assert.equal(refundedAmountOf(transition(paid, "refunded", by).order!), 1000);
  const cancelled = transition(base, "cancelled", by).order!;
  assert.equal(paidAmountOf(cancelled), 0, "a payment noted after cancelling is refunded: not revenue");
  assert.equal(
    paymentStateFromProto(PaymentStateEnum.PAYMENT_STATE_PARTIALLY_REFUNDED),
    "partially_refunded",
  );
  assert.equal(paymentStateFromProto(PaymentStateEnum.PAYMENT_STATE_UNSPECIFIED), undefined);
});
