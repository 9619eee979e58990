/**
 * The reads payments leaves to the commit's checks: `createPaymentLink` does not read the payment and
 * the cancelled marker again after asking the provider, and the local pay page's event is handled on
 * the payment as the page read it. Each test makes the state change in the window between that read
 * and the commit, and proves the outcome is the one a fresh read would have given.
 */
import assert from "node:assert/strict";
import { DomainError } from "../common/domain_error.ts";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import { LocalPaymentProvider, type SignedLocalEvent } from "./providers/local.ts";
import type { Checkout, CheckoutRequest, ProviderEventType, RefundRequest } from "./providers/provider.ts";
import { anOrder, inMemoryPayments, outbox } from "./testing/fixtures.ts";
import { cancelledOrderKey, paymentKey, readPayment } from "./store.ts";
import type { PaymentRecord } from "./domain/lifecycle.ts";

/** A local provider that runs `during` once, inside its next checkout or signature. */
class Interfering extends LocalPaymentProvider {
  duringCheckout?: () => Promise<void>;
  duringSign?: () => Promise<void>;
  refunds: RefundRequest[] = [];
  override async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const during = this.duringCheckout;
    this.duringCheckout = undefined;
    await during?.();
    return await super.createCheckout(request);
  }
  override async signEvent(
    event: { type: ProviderEventType; sessionId: string; orderId: string; reason?: string },
  ): Promise<SignedLocalEvent> {
    const during = this.duringSign;
    this.duringSign = undefined;
    await during?.();
    return await super.signEvent(event);
  }
  override refund(request: RefundRequest): Promise<{ refundId: string }> {
    this.refunds.push(request);
    return super.refund(request);
  }
}

Deno.test("createPaymentLink: a payment committed by another call while the provider was asked is returned, not a second one", async () => {
  const provider = new Interfering("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const elsewhere = await inMemoryPayments(new LocalPaymentProvider("http://x"));
    const theirs: PaymentRecord = await elsewhere.payments.createPaymentLink(order);
    elsewhere.kv.close();
    provider.duringCheckout = async () => {
      await kv.set(paymentKey(order.orderId), theirs);
    };
    const got = await payments.createPaymentLink(order);
    assert.equal(got.sessionId, theirs.sessionId);
    assert.equal((await readPayment(kv, order.orderId)).value?.sessionId, theirs.sessionId);
    assert.deepEqual(
      await outbox(kv),
      [],
      "the losing attempt announced nothing (CreatePaymentLink never does)",
    );
  } finally {
    kv.close();
  }
});

Deno.test("createPaymentLink: an order cancelled while the provider was asked gets no payment (illegal_transition)", async () => {
  const provider = new Interfering("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    provider.duringCheckout = async () => {
      await kv.set(cancelledOrderKey(order.orderId), { cancelledAt: new Date(), messageId: "m-1" });
    };
    await assert.rejects(
      payments.createPaymentLink(order),
      (err) => err instanceof DomainError && err.code === "illegal_transition",
    );
    assert.equal((await readPayment(kv, order.orderId)).value, null);
    assert.equal((await outbox(kv)).length, 0);
  } finally {
    kv.close();
  }
});

Deno.test("local pay page: an order cancelled after the page read the payment, before its event is handled, is refunded once", async () => {
  const provider = new Interfering("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const link = await payments.createPaymentLink(order);
    // order.cancelled lands between the pay page's read and the handling of its event
    provider.duringSign = async () => {
      await kv.set(cancelledOrderKey(order.orderId), { cancelledAt: new Date(), messageId: "m-1" });
    };
    const after = await payments.completeLocalCheckout(link.sessionId, "succeeded");
    assert.equal(after.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    assert.equal(provider.refunds.length, 1);
    const keys = (await outbox(kv)).map((e) => e.routingKey);
    assert.deepEqual(keys, ["payment.succeeded", "payment.refunded"]);
  } finally {
    kv.close();
  }
});

Deno.test("local pay page: a payment that moved after the page read it is handled as it now is (no second outcome)", async () => {
  const provider = new Interfering("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const link = await payments.createPaymentLink(order);
    // another click (Decline) completes first, between this click's read and its event
    provider.duringSign = async () => {
      await payments.completeLocalCheckout(link.sessionId, "failed");
    };
    const after = await payments.completeLocalCheckout(link.sessionId, "succeeded");
    assert.equal(after.status, PaymentStatus.PAYMENT_STATUS_FAILED);
    assert.equal((await readPayment(kv, order.orderId)).value?.status, PaymentStatus.PAYMENT_STATUS_FAILED);
    const keys = (await outbox(kv)).map((e) => e.routingKey);
    assert.deepEqual(keys, ["payment.failed"]);
  } finally {
    kv.close();
  }
});
