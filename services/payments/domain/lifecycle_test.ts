import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import { anOrder } from "../testing/fixtures.ts";
import {
  applyProviderEvent,
  assertRefundable,
  expire,
  linkCreated,
  open,
  type PaymentRecord,
  refund,
  refundableOf,
  refundAmount,
  refundOfRequest,
} from "./lifecycle.ts";
import { validateOrder } from "./payment.ts";

const T0 = new Date("2025-01-01T12:00:00Z");
const T1 = new Date("2025-01-01T12:05:00Z");

function opened(): PaymentRecord {
  return open({
    order: validateOrder(anOrder("o-1")),
    provider: "local",
    checkout: { sessionId: "cs_1", url: "http://pay/cs_1", expiresAt: new Date("2025-01-01T13:00:00Z") },
    createdAt: T0,
  }, T0).payment;
}

function isIllegal(message: RegExp) {
  return (err: unknown) =>
    err instanceof DomainError && err.code === "illegal_transition" && message.test(err.message);
}

Deno.test("open makes an open payment of the order's total and announces nothing; linkCreated announces an open one's link", () => {
  const { payment, events } = open({
    order: validateOrder(anOrder("o-1")),
    provider: "local",
    checkout: { sessionId: "cs_1", url: "http://pay/cs_1", expiresAt: T1 },
    createdAt: T0,
  }, T1);
  assert.equal(payment.status, PaymentStatus.PAYMENT_STATUS_OPEN);
  assert.deepEqual(payment.amount, { amount: 2050, currency: "EUR" });
  assert.deepEqual([payment.createdAt, payment.updatedAt], [T0, T1]);
  assert.deepEqual(events, []);
  assert.deepEqual(linkCreated(payment), [{
    key: "payment.link_created",
    payload: { orderId: "o-1", provider: "local", sessionId: "cs_1", url: "http://pay/cs_1", expiresAt: T1 },
  }]);
  assert.deepEqual(linkCreated({ ...payment, status: PaymentStatus.PAYMENT_STATUS_SUCCEEDED }), []);
});

Deno.test("a provider event moves an open payment to its outcome with the matching event", () => {
  const base = { orderId: "o-1", sessionId: "cs_1" };
  const paid = applyProviderEvent(
    opened(),
    { id: "e1", type: "succeeded", ...base, paymentRef: "pi_1" },
    T1,
  )!;
  assert.deepEqual([paid.payment.status, paid.payment.paymentRef, paid.payment.providerEventId], [
    PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
    "pi_1",
    "e1",
  ]);
  assert.deepEqual(paid.events, [{
    key: "payment.succeeded",
    payload: { ...base, providerEventId: "e1", amount: { amount: 2050, currency: "EUR" }, paidAt: T1 },
  }]);
  const failed = applyProviderEvent(opened(), { id: "e2", type: "failed", ...base }, T1)!;
  assert.deepEqual(failed.events, [{
    key: "payment.failed",
    payload: { ...base, providerEventId: "e2", reason: "The payment failed" },
  }]);
  const expired = applyProviderEvent(opened(), { id: "e3", type: "expired", ...base }, T1)!;
  assert.equal(expired.payment.status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
  assert.deepEqual(expired.events, [{ key: "payment.expired", payload: { ...base, providerEventId: "e3" } }]);
  assert.equal(
    applyProviderEvent(paid.payment, { id: "e4", type: "expired", ...base }, T1),
    null,
    "late event",
  );
});

Deno.test("only a succeeded payment is refunded; the refund is announced by payment.refunded", () => {
  const open = opened();
  assert.throws(() => assertRefundable(open), isIllegal(/^Payment of order "o-1" is open, only a succeeded/));
  const paid = applyProviderEvent(
    open,
    { id: "e1", type: "succeeded", orderId: "o-1", sessionId: "cs_1" },
    T1,
  )!;
  assertRefundable(paid.payment);
  const { payment, events } = refund(
    paid.payment,
    { providerRefundId: "re_1", amount: { amount: 2050, currency: "EUR" } },
    T1,
  );
  assert.deepEqual([payment.status, payment.refundId], [PaymentStatus.PAYMENT_STATUS_REFUNDED, "re_1"]);
  assert.deepEqual(events, [{
    key: "payment.refunded",
    payload: { orderId: "o-1", refundId: "re_1", amount: { amount: 2050, currency: "EUR" }, full: true },
  }]);
});

Deno.test("a partial refund keeps the payment succeeded; the refunds that reach its amount make it refunded", () => {
  const paid =
    applyProviderEvent(opened(), { id: "e1", type: "succeeded", orderId: "o-1", sessionId: "cs_1" }, T1)!
      .payment;
  assert.equal(refundableOf(paid), 2050);
  assert.deepEqual(refundAmount(paid, undefined), { amount: 2050, currency: "EUR" }, "unset: the rest");
  const part = refund(paid, {
    providerRefundId: "re_1",
    amount: refundAmount(paid, { amount: 500, currency: "eur" }),
    requestId: "r-1",
    reason: "cold",
  }, T1);
  assert.equal(part.payment.status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
  assert.equal(refundableOf(part.payment), 1550);
  assert.deepEqual(refundOfRequest(part.payment, "r-1")?.providerRefundId, "re_1");
  assert.deepEqual(part.events[0]!.payload, {
    orderId: "o-1",
    refundId: "re_1",
    amount: { amount: 500, currency: "EUR" },
    full: false,
    requestId: "r-1",
  });
  const tooMuch = (m: { amount: number; currency: string }, field: string) =>
    assert.throws(
      () => refundAmount(part.payment, m),
      (e: unknown) => e instanceof DomainError && e.code === "invalid_argument" && e.field === field,
    );
  tooMuch({ amount: 1551, currency: "EUR" }, "amount.amount");
  tooMuch({ amount: 0, currency: "EUR" }, "amount.amount");
  tooMuch({ amount: 1.5, currency: "EUR" }, "amount.amount");
  tooMuch({ amount: 100, currency: "USD" }, "amount.currency");
  const rest = refund(
    part.payment,
    { providerRefundId: "re_2", amount: refundAmount(part.payment, undefined), requestId: "r-2" },
    T1,
  );
  assert.equal(rest.payment.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
  assert.equal((rest.events[0]!.payload as { full?: boolean }).full, true);
  assert.equal(refundableOf(rest.payment), 0);
});

Deno.test("expire (its order cancelled) moves only an open payment, naming its cause, and announces nothing", () => {
  const { payment, events } = expire(opened(), "order_cancelled:m1", T1);
  assert.deepEqual([payment.status, payment.providerEventId], [
    PaymentStatus.PAYMENT_STATUS_EXPIRED,
    "order_cancelled:m1",
  ]);
  assert.deepEqual(
    events,
    [],
    "orders, the one listener of payment.expired, has cancelled the order already",
  );
  assert.throws(() => expire(payment, "again", T1), isIllegal(/is expired, only an open payment can expire/));
});
