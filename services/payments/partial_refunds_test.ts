/**
 * Partial and full refunds through the provider port, once per refund id: with the real `stripe` SDK
 * against the Stripe stand-in (the Refunds API as documented: `POST /v1/refunds` with
 * `payment_intent`, `amount`, `metadata` and the `Idempotency-Key` header) and with the local provider.
 */
import assert from "node:assert/strict";
import { DomainError } from "../common/domain_error.ts";
import { RpcError } from "../common/errors.ts";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import type { PaymentProvider } from "./providers/provider.ts";
import { StripePaymentProvider } from "./providers/stripe.ts";
import { anOrder, inMemoryPayments, outbox } from "./testing/fixtures.ts";
import { StripeStandIn } from "./testing/stripe_stand_in.ts";

const SECRET = "whsec_partial_refunds";
const EUR = (amount: number) => ({ amount, currency: "EUR" });

/** Counts the port's refund calls (the adapter underneath is real). */
function counting(inner: PaymentProvider): PaymentProvider & { refundCalls: number } {
  const wrapped = {
    name: inner.name,
    refundCalls: 0,
    createCheckout: (r: Parameters<PaymentProvider["createCheckout"]>[0]) => inner.createCheckout(r),
    parseEvent: (b: Uint8Array, s: string) => inner.parseEvent(b, s),
    expire: (s: string) => inner.expire(s),
    refund(r: Parameters<PaymentProvider["refund"]>[0]) {
      wrapped.refundCalls++;
      return inner.refund(r);
    },
  };
  return wrapped;
}

/** The local provider, counting the port's refund calls. */
class CountingLocal extends LocalPaymentProvider {
  refundCalls = 0;
  override refund(r: Parameters<PaymentProvider["refund"]>[0]) {
    this.refundCalls++;
    return super.refund(r);
  }
}

Deno.test("Stripe: a partial refund with a reason, its retry and the rest: one Stripe refund per refund id, announced with amount, full and request id", async () => {
  const standIn = StripeStandIn.start();
  const provider = counting(
    new StripePaymentProvider({ secretKey: "sk_test_1", webhookSecret: SECRET, apiUrl: standIn.url }),
  );
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const open = await payments.createPaymentLink(order);
    const pi = standIn.pay(open.sessionId).payment_intent!;
    const paid = await standIn.signed(standIn.event("checkout.session.completed", open.sessionId), SECRET);
    await payments.handleProviderEvent("stripe", paid.payload, paid.signature);

    const part = await payments.refund(order.orderId, "Cold pizza", { amount: EUR(500), refundId: "r-1" });
    assert.equal(part.full, false);
    assert.deepEqual(part.amount, EUR(500));
    assert.equal(
      part.payment.status,
      PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
      "a partial refund keeps it paid",
    );
    const sent = standIn.refundCreations[0]!;
    assert.equal(sent.idempotencyKey, "r-1", "the refund id is Stripe's Idempotency-Key");
    assert.equal(sent.params.payment_intent, pi);
    assert.equal(sent.params.amount, "500");
    assert.deepEqual(sent.params.metadata, {
      order_id: order.orderId,
      refund_request_id: "r-1",
      reason: "Cold pizza",
    });
    assert.deepEqual(standIn.refundsOf(pi).map((r) => r.amount), [500]);

    const again = await payments.refund(order.orderId, "Cold pizza", { amount: EUR(500), refundId: "r-1" });
    assert.equal(
      again.providerRefundId,
      part.providerRefundId,
      "a retried refund id answers the first refund",
    );
    assert.equal(provider.refundCalls, 1, "and does not call the provider again");
    assert.equal(standIn.refundCreations.length, 1);

    await assert.rejects(
      payments.refund(order.orderId, "Too much", { amount: EUR(1551), refundId: "r-x" }),
      (e) => e instanceof DomainError && e.code === "invalid_argument" && e.field === "amount.amount",
    );
    assert.equal(provider.refundCalls, 1, "an amount over what is left never reaches the provider");

    const rest = await payments.refund(order.orderId, "Order lost", { refundId: "r-2" });
    assert.equal(rest.full, true);
    assert.deepEqual(rest.amount, EUR(1550), "unset: the rest");
    assert.equal(rest.payment.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    assert.deepEqual(standIn.refundsOf(pi).map((r) => r.amount), [500, 1550]);
    assert.equal(provider.refundCalls, 2);

    const events = await outbox(kv, "payment.refunded");
    assert.deepEqual(events.map((e) => e.body), [
      {
        orderId: order.orderId,
        refundId: part.providerRefundId,
        amount: EUR(500),
        full: false,
        requestId: "r-1",
      },
      {
        orderId: order.orderId,
        refundId: rest.providerRefundId,
        amount: EUR(1550),
        full: true,
        requestId: "r-2",
      },
    ]);
    await assert.rejects(
      payments.refund(order.orderId, "More", { amount: EUR(1), refundId: "r-3" }),
      (e) => e instanceof DomainError && e.code === "illegal_transition",
    );
  } finally {
    kv.close();
    await standIn.stop();
  }
});

Deno.test("Stripe: a refund whose answer was lost is retried with the same key: Stripe replays it, one refund", async () => {
  const standIn = StripeStandIn.start();
  const stripe = new StripePaymentProvider({
    secretKey: "sk_test_1",
    webhookSecret: SECRET,
    apiUrl: standIn.url,
  });
  let lose = true;
  const lossy: PaymentProvider = {
    name: stripe.name,
    createCheckout: (r) => stripe.createCheckout(r),
    parseEvent: (b, s) => stripe.parseEvent(b, s),
    expire: (s) => stripe.expire(s),
    async refund(r) {
      const made = await stripe.refund(r);
      if (lose) {
        lose = false;
        throw new RpcError("unavailable", "connection reset after Stripe refunded");
      }
      return made;
    },
  };
  const { payments, kv } = await inMemoryPayments(lossy);
  try {
    const order = anOrder();
    const open = await payments.createPaymentLink(order);
    const pi = standIn.pay(open.sessionId).payment_intent!;
    const paid = await standIn.signed(standIn.event("checkout.session.completed", open.sessionId), SECRET);
    await payments.handleProviderEvent("stripe", paid.payload, paid.signature);
    await assert.rejects(
      payments.refund(order.orderId, "Cold", { amount: EUR(700), refundId: "r-1" }),
      /reset/,
    );
    const done = await payments.refund(order.orderId, "Cold", { amount: EUR(700), refundId: "r-1" });
    assert.equal(standIn.refundCreations.length, 2, "asked twice");
    assert.equal(standIn.refundsOf(pi).length, 1, "refunded once");
    assert.equal(done.providerRefundId, standIn.refundsOf(pi)[0]!.id);
    assert.equal((await outbox(kv, "payment.refunded")).length, 1);
  } finally {
    kv.close();
    await standIn.stop();
  }
});

Deno.test("local provider: partial then full refund, once per refund id; a used id with another amount is refused", async () => {
  const local = new CountingLocal("http://shop.test");
  const provider = local;
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const open = await payments.createPaymentLink(order);
    await payments.completeLocalCheckout(open.sessionId, "succeeded");
    const part = await payments.refund(order.orderId, "Missing cola", { amount: EUR(250), refundId: "r-1" });
    const again = await payments.refund(order.orderId, "Missing cola", { amount: EUR(250), refundId: "r-1" });
    assert.equal(again.providerRefundId, part.providerRefundId);
    assert.equal(part.payment.status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
    const rest = await payments.refund(order.orderId, "Closed early", { refundId: "r-2" });
    assert.equal(rest.full, true);
    assert.deepEqual(rest.amount, EUR(1800));
    assert.equal(provider.refundCalls, 2, "the port was called once per refund id");
    assert.equal(local.refundsMade, 2);
    await assert.rejects(
      local.refund({
        orderId: order.orderId,
        sessionId: open.sessionId,
        idempotencyKey: "r-1",
        amount: EUR(1),
      }),
      (e) => e instanceof RpcError && e.code === "invalid_argument",
    );
    assert.equal((await outbox(kv, "payment.refunded")).length, 2);
  } finally {
    kv.close();
  }
});
