/**
 * Paid after cancel: a payment that succeeds for an order payments knows is cancelled is refunded
 * exactly once, whichever of `order.cancelled` and the provider's success arrives first.
 */
import assert from "node:assert/strict";
import { RpcError } from "../common/errors.ts";
import { DomainError } from "../common/domain_error.ts";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import { paymentsEventHandlers } from "./event_handlers.ts";
import type { PaymentsApp } from "./app.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import type {
  Checkout,
  CheckoutRequest,
  ExpireResult,
  PaymentProvider,
  ProviderEvent,
  RefundRequest,
} from "./providers/provider.ts";
import { StripePaymentProvider } from "./providers/stripe.ts";
import { anOrder, inMemoryPayments, outbox } from "./testing/fixtures.ts";
import { StripeStandIn } from "./testing/stripe_stand_in.ts";

const SECRET = "whsec_paid_after_cancel";

type Env = Awaited<ReturnType<typeof inMemoryPayments>> & { standIn: StripeStandIn };

async function withStripe(fn: (t: Env) => Promise<void>): Promise<void> {
  const standIn = StripeStandIn.start();
  const provider = new StripePaymentProvider({
    secretKey: "sk_test_1",
    webhookSecret: SECRET,
    apiUrl: standIn.url,
  });
  const t = await inMemoryPayments(provider);
  try {
    await fn({ ...t, standIn });
  } finally {
    t.kv.close();
    await standIn.stop();
  }
}

/** A local provider that counts refunds. */
class CountingLocal extends LocalPaymentProvider {
  refunds: RefundRequest[] = [];
  override refund(request: RefundRequest): Promise<{ refundId: string }> {
    this.refunds.push(request);
    return super.refund(request);
  }
}

/** Runs the `order.cancelled` handler as the consumer would: into an operation, then commits it. */
async function cancelled(
  payments: PaymentsApp,
  kv: Deno.Kv,
  orderId: string,
  messageId: string = crypto.randomUUID(),
) {
  const op = kv.atomic();
  await paymentsEventHandlers(payments)["order.cancelled"]!(
    { orderId, reason: "customer", cancelledAt: new Date() },
    { op, kv, messageId, routingKey: "order.cancelled", attempt: 1 },
  );
  return (await op.commit()).ok;
}

async function completed(standIn: StripeStandIn, payments: PaymentsApp, sessionId: string, id?: string) {
  const { payload, signature } = await standIn.signed(
    standIn.event("checkout.session.completed", sessionId, id),
    SECRET,
  );
  return await payments.handleProviderEvent("stripe", payload, signature);
}

Deno.test("Stripe: a checkout completed before the cancel is refunded when its webhook arrives, once", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId); // the customer finished checkout; the webhook is still on its way
    assert.equal(await cancelled(payments, kv, order.orderId), true);
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);

    const first = await completed(standIn, payments, sessionId, "evt_1");
    assert.equal(first.payment?.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    const again = await completed(standIn, payments, sessionId, "evt_1"); // Stripe redelivers
    assert.equal(again.firstDelivery, false);
    assert.equal(await cancelled(payments, kv, order.orderId), true); // order.cancelled again
    assert.equal(standIn.refunds.size, 1, "exactly one refund at Stripe");
    const refund = [...standIn.refunds.values()][0]!;
    assert.equal(refund.payment_intent, standIn.sessions.get(sessionId)!.payment_intent);
    const payment = await payments.getPayment(order.orderId);
    assert.deepEqual([payment.status, payment.refundId], [PaymentStatus.PAYMENT_STATUS_REFUNDED, refund.id]);
    const events = (await outbox(kv)).map((e) => e.routingKey);
    assert.deepEqual(events, ["payment.succeeded", "payment.refunded"]);
    const [refunded] = await outbox(kv, "payment.refunded");
    assert.deepEqual(refunded!.body, {
      orderId: order.orderId,
      refundId: refund.id,
      amount: { amount: 2050, currency: "EUR" },
      full: true,
    });
    const refundCalls = standIn.requests.filter((r) => r.path === "/v1/refunds");
    assert.ok(refundCalls.every((r) => r.idempotencyKey === `refund-${order.orderId}`));
  });
});

Deno.test("Stripe: a payment that succeeded before order.cancelled reached payments is refunded by the handler, once", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId);
    assert.equal(
      (await completed(standIn, payments, sessionId)).payment?.status,
      PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
    );
    assert.equal(await cancelled(payments, kv, order.orderId, "m1"), true);
    assert.equal(await cancelled(payments, kv, order.orderId, "m2"), true);
    assert.equal(standIn.refunds.size, 1);
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    assert.equal((await outbox(kv, "payment.refunded")).length, 1);
  });
});

Deno.test("a success committed while order.cancelled is being handled fails the handler's commit; its rerun refunds", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId);
    // the handler reads the payment open and asks Stripe to expire it (refused: complete) ...
    const op = kv.atomic();
    await paymentsEventHandlers(payments)["order.cancelled"]!(
      { orderId: order.orderId, reason: "customer", cancelledAt: new Date() },
      { op, kv, messageId: "m1", routingKey: "order.cancelled", attempt: 1 },
    );
    // ... meanwhile the webhook commits the success, not yet knowing of the cancel
    assert.equal(
      (await completed(standIn, payments, sessionId)).payment?.status,
      PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
    );
    assert.equal((await op.commit()).ok, false, "the handler's view is stale");
    assert.equal(await cancelled(payments, kv, order.orderId, "m1"), true, "the consumer runs it again");
    assert.equal(standIn.refunds.size, 1);
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
  });
});

/** A provider adapter whose refunds fail while `down`; everything else goes to `inner`. */
class RefundOutage implements PaymentProvider {
  down = false;
  constructor(private readonly inner: PaymentProvider) {}
  get name(): string {
    return this.inner.name;
  }
  createCheckout(request: CheckoutRequest): Promise<Checkout> {
    return this.inner.createCheckout(request);
  }
  parseEvent(payload: Uint8Array, signature: string): Promise<ProviderEvent | null> {
    return this.inner.parseEvent(payload, signature);
  }
  expire(sessionId: string): Promise<ExpireResult> {
    return this.inner.expire(sessionId);
  }
  refund(request: RefundRequest): Promise<{ refundId: string }> {
    return this.down
      ? Promise.reject(new RpcError("unavailable", "Stripe could not refund: connection refused"))
      : this.inner.refund(request);
  }
}

Deno.test("a refund the provider cannot make now records nothing, so the webhook's retry refunds", async () => {
  const standIn = StripeStandIn.start();
  const provider = new RefundOutage(
    new StripePaymentProvider({ secretKey: "sk_test_1", webhookSecret: SECRET, apiUrl: standIn.url }),
  );
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId);
    assert.equal(await cancelled(payments, kv, order.orderId), true);
    provider.down = true;
    await assert.rejects(
      completed(standIn, payments, sessionId, "evt_r"),
      (err) => err instanceof RpcError && err.code === "unavailable",
    );
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    assert.deepEqual(await outbox(kv, "payment.succeeded"), [], "nothing recorded");
    provider.down = false;
    const retried = await completed(standIn, payments, sessionId, "evt_r");
    assert.equal(retried.payment?.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    assert.equal(standIn.refunds.size, 1);
  } finally {
    kv.close();
    await standIn.stop();
  }
});

Deno.test("local: a cancelled order's checkout cannot be paid, and expired without money moving", async () => {
  const provider = new CountingLocal("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    assert.equal(await cancelled(payments, kv, order.orderId), true);
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
    await assert.rejects(
      payments.completeLocalCheckout(sessionId, "succeeded"),
      (err) =>
        err instanceof DomainError && err.code === "illegal_transition" &&
        err.message === `Order "${order.orderId}" was cancelled; it can no longer be paid`,
    );
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
    assert.deepEqual(provider.refunds, []);
    assert.equal((await outbox(kv, "payment.succeeded")).length, 0);
  } finally {
    kv.close();
  }
});

Deno.test("local: paid in the window before order.cancelled reached payments, then refunded once", async () => {
  const provider = new CountingLocal("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    await payments.completeLocalCheckout(sessionId, "succeeded");
    assert.equal(await cancelled(payments, kv, order.orderId, "m1"), true);
    assert.equal(await cancelled(payments, kv, order.orderId, "m2"), true);
    assert.equal(provider.refunds.length, 1);
    assert.equal(provider.refunds[0]!.idempotencyKey, `refund-${order.orderId}`);
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    assert.deepEqual(
      (await outbox(kv)).map((e) => e.routingKey),
      ["payment.succeeded", "payment.refunded"],
    );
  } finally {
    kv.close();
  }
});

Deno.test("no checkout is made for an order already cancelled, from order.created or CreatePaymentLink", async () => {
  const provider: PaymentProvider = new LocalPaymentProvider("http://shop.test");
  const { payments, kv } = await inMemoryPayments(provider);
  try {
    const order = anOrder();
    assert.equal(await cancelled(payments, kv, order.orderId), true);
    const op = kv.atomic();
    let applied = 0;
    await paymentsEventHandlers(payments)["order.created"]!(
      { ...order, createdAt: new Date(), number: 0, details: undefined },
      {
        op,
        kv,
        messageId: "late",
        routingKey: "order.created",
        attempt: 1,
        alreadyApplied: () => void applied++,
      },
    );
    assert.equal(applied, 1, "already applied: the consumer acknowledges it without a commit");
    assert.equal((await op.commit()).ok, true);
    await assert.rejects(
      payments.createPaymentLink(order),
      (err) => err instanceof DomainError && err.code === "illegal_transition",
    );
    await assert.rejects(
      payments.getPayment(order.orderId),
      (err) => err instanceof DomainError && err.code === "not_found",
    );
    assert.deepEqual(await outbox(kv), []);
  } finally {
    kv.close();
  }
});
