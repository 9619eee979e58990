import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { newOrder, type Order, type OrderStatus } from "./order.ts";
import { paymentStateOf, refundableAmount, refundedAmount } from "./payment_state.ts";
import { confirmRefund, dropRefund, requestRefund, sameRefund, validateRefundId } from "./refund.ts";

const T0 = new Date("2026-11-30T12:00:00Z");
const T1 = new Date("2026-11-30T12:05:00Z");
const EUR = (amount: number) => ({ amount, currency: "EUR" });

function orderIn(status: OrderStatus): Order {
  const o = newOrder({
    id: "o-1",
    customerId: "c-1",
    items: [{ itemId: "pizza", name: "Pizza", quantity: 2, unitPrice: EUR(900) }],
    total: EUR(1800),
    at: T0,
    cause: "customer",
    traceId: "",
  });
  return { ...o, status };
}

const by = { cause: "admin.refund", at: T1, traceId: "abc" };

function isError(code: string, field?: string) {
  return (e: unknown) =>
    e instanceof DomainError && e.code === code && (field === undefined || e.field === field);
}

Deno.test("a refund is allowed while paid, preparing, ready or completed, and refused before payment or after a full refund", () => {
  for (const status of ["paid", "preparing", "ready", "completed"] as const) {
    const { refund } = requestRefund(orderIn(status), { id: "r", reason: "x", by: "anna", at: T1 });
    assert.deepEqual(refund.amount, EUR(1800), `${status}: unset is the whole rest`);
  }
  for (const status of ["pending", "waiting_payment", "cancelled", "refunded"] as const) {
    assert.throws(
      () => requestRefund(orderIn(status), { id: "r", reason: "x", by: "anna", at: T1 }),
      isError("illegal_transition"),
      status,
    );
  }
});

Deno.test("a refund request is validated: a reason, a positive whole amount up to what is left, the order's currency, one at a time", () => {
  const paid = orderIn("paid");
  const ask = (amount: { amount: number; currency: string } | undefined, reason = "cold") =>
    requestRefund(paid, { id: "r", reason, by: "anna", at: T1, ...(amount ? { amount } : {}) });
  assert.throws(() => ask(EUR(5), " "), isError("invalid_argument", "reason"));
  assert.throws(() => ask(EUR(5), "x".repeat(201)), isError("invalid_argument", "reason"));
  assert.throws(() => ask(EUR(0)), isError("invalid_argument", "amount.amount"));
  assert.throws(() => ask(EUR(-5)), isError("invalid_argument", "amount.amount"));
  assert.throws(() => ask(EUR(2.5)), isError("invalid_argument", "amount.amount"));
  assert.throws(() => ask(EUR(1801)), isError("invalid_argument", "amount.amount"));
  assert.throws(() => ask({ amount: 5, currency: "USD" }), isError("invalid_argument", "amount.currency"));
  const { order, refund } = ask({ amount: 500, currency: "eur" });
  assert.deepEqual(refund, {
    id: "r",
    amount: EUR(500),
    reason: "cold",
    by: "anna",
    at: T1,
    providerRefundId: "",
  });
  assert.equal(refundableAmount(order), 1300, "an in-flight refund counts against what is left");
  assert.equal(refundedAmount(order).amount, 0, "but is not refunded yet");
  assert.throws(
    () => requestRefund(order, { id: "r2", reason: "x", by: "anna", at: T1 }),
    isError("illegal_transition"),
    "one refund in flight at a time",
  );
});

Deno.test("confirming a partial refund keeps the status, notes it on the timeline with the staff member, and is ignored the second time", () => {
  const { order } = requestRefund(orderIn("preparing"), {
    id: "r1",
    amount: EUR(500),
    reason: "Cold pizza",
    by: "anna",
    at: T0,
  });
  const d = confirmRefund(order, { requestId: "r1", providerRefundId: "re_1" }, by);
  assert.ok(d.order);
  assert.equal(d.order.status, "preparing");
  assert.deepEqual(d.events, []);
  assert.deepEqual(d.order.timeline.at(-1), {
    status: "preparing",
    at: T1,
    cause: "€5.00 refunded: Cold pizza",
    traceId: "abc",
    actor: "anna",
  });
  assert.equal(paymentStateOf(d.order), "partially_refunded");
  assert.deepEqual(refundedAmount(d.order), EUR(500));
  const again = confirmRefund(d.order, { requestId: "r1", providerRefundId: "re_1" }, by);
  assert.ok(again.ignored, "the other confirmation (answer or payment.refunded) changes nothing");
});

Deno.test("the refunds reaching the total make the order refunded with order.refunded and the reason", () => {
  let order = orderIn("ready");
  for (const [id, amount, reason] of [["r1", 500, "Cold"], ["r2", 1300, "Order lost"]] as const) {
    order = requestRefund(order, { id, amount: EUR(amount), reason, by: "ben", at: T0 }).order;
    const d = confirmRefund(order, { requestId: id, providerRefundId: `re_${id}` }, by);
    order = d.order!;
    if (id === "r2") {
      assert.equal(order.status, "refunded");
      assert.equal(order.timeline.at(-1)?.actor, "ben");
      assert.deepEqual(d.events, [{
        key: "order.refunded",
        payload: { orderId: "o-1", refundedAt: T1, reason: "Order lost" },
      }]);
    }
  }
  assert.equal(paymentStateOf(order), "refunded");
  assert.equal(refundableAmount(order), 0);
});

Deno.test("payment.refunded for a refund the order forgot (its call failed after the provider refunded) records the money that moved", () => {
  const d = confirmRefund(orderIn("paid"), {
    requestId: "r9",
    providerRefundId: "re_9",
    amount: EUR(1800),
    full: true,
  }, by);
  assert.equal(d.order?.status, "refunded");
  assert.deepEqual(d.order?.refunds?.map((r) => [r.id, r.amount.amount, r.providerRefundId]), [[
    "r9",
    1800,
    "re_9",
  ]]);
  assert.throws(
    () => confirmRefund(orderIn("paid"), { requestId: "r9", providerRefundId: "re_9" }, by),
    isError("not_found"),
  );
});

Deno.test("a refund whose provider call failed is dropped; a confirmed one stays", () => {
  const { order } = requestRefund(orderIn("paid"), {
    id: "r1",
    amount: EUR(500),
    reason: "x",
    by: "anna",
    at: T0,
  });
  assert.deepEqual(dropRefund(order, "r1").order?.refunds, []);
  const confirmed = confirmRefund(order, { requestId: "r1", providerRefundId: "re_1" }, by).order!;
  assert.ok(dropRefund(confirmed, "r1").ignored);
});

Deno.test("a caller's refund id that came before: confirmed, the refund is answered again; in flight or with another amount, refused", () => {
  const { order } = requestRefund(orderIn("paid"), {
    id: "form-1",
    amount: EUR(500),
    reason: "x",
    by: "anna",
    at: T0,
  });
  assert.throws(
    () => sameRefund(order, "form-1", EUR(500), T0),
    isError("illegal_transition"),
    "still in flight",
  );
  assert.equal(
    sameRefund(order, "form-1", EUR(500), T1)?.resume?.id,
    "form-1",
    "in flight too long: resumed",
  );
  const confirmed = confirmRefund(order, { requestId: "form-1", providerRefundId: "re_1" }, by).order!;
  assert.equal(sameRefund(confirmed, "form-1", EUR(500))?.done?.providerRefundId, "re_1");
  assert.equal(sameRefund(confirmed, "form-1", undefined)?.done?.id, "form-1");
  assert.throws(
    () => sameRefund(confirmed, "form-1", EUR(600)),
    isError("idempotency_key_reused", "refund_id"),
  );
  assert.equal(sameRefund(confirmed, "form-2", EUR(500)), undefined);
  assert.equal(
    validateRefundId("3f1c2a4e-0000-4000-8000-000000000001"),
    "3f1c2a4e-0000-4000-8000-000000000001",
  );
  assert.throws(() => validateRefundId("a b"), isError("invalid_argument", "refund_id"));
  assert.throws(() => validateRefundId("x".repeat(65)), isError("invalid_argument", "refund_id"));
});
