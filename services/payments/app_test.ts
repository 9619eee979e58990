import assert from "node:assert/strict";
import { RpcError } from "../common/errors.ts";
import { DomainError } from "../common/domain_error.ts";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import { newTraceparent } from "../common/trace.ts";
import { paymentsEventHandlers } from "./event_handlers.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import type { PaymentProvider } from "./providers/provider.ts";
import { StripePaymentProvider } from "./providers/stripe.ts";
import type { PaymentsApp } from "./app.ts";
import type { OrderToPay } from "./domain/payment.ts";
import { readPayment } from "./store.ts";
import { anOrder, inMemoryPayments, outbox } from "./testing/fixtures.ts";
import { StripeStandIn } from "./testing/stripe_stand_in.ts";
import { MalformedEventError } from "../common/events.ts";
import { countCommits } from "../common/kv_testing.ts";

const SECRET = "whsec_payments_test";

async function withStripe(
  fn: (t: Awaited<ReturnType<typeof inMemoryPayments>> & { standIn: StripeStandIn }) => Promise<void>,
  wrap: (p: PaymentProvider) => PaymentProvider = (p) => p,
  latencyMs = 0,
) {
  const standIn = StripeStandIn.start({ createLatencyMs: latencyMs });
  const provider = new StripePaymentProvider({
    secretKey: "sk_test_1",
    webhookSecret: SECRET,
    apiUrl: standIn.url,
  });
  const t = await inMemoryPayments(wrap(provider));
  try {
    await fn({ ...t, standIn });
  } finally {
    t.kv.close();
    await standIn.stop();
  }
}

async function webhook(standIn: StripeStandIn, type: string, sessionId: string, id?: string) {
  return await standIn.signed(standIn.event(type, sessionId, id), SECRET);
}

Deno.test("CreatePaymentLink stores an open payment with its Stripe session and the order's trace, and announces nothing", async () => {
  await withStripe(async ({ payments, kv, standIn, kicks }) => {
    const order = anOrder();
    const traceparent = newTraceparent();
    const payment = await payments.createPaymentLink(order, { traceparent });
    assert.equal(payment.status, PaymentStatus.PAYMENT_STATUS_OPEN);
    assert.equal(payment.provider, "stripe");
    assert.equal(payment.url, `https://checkout.stripe.com/c/pay/${payment.sessionId}`);
    assert.deepEqual(payment.amount, { amount: 2050, currency: "EUR" });
    const sent = standIn.sessionCreations[0]!.params;
    assert.equal((sent.metadata as Record<string, string>).order_id, order.orderId);
    // the URLs leave the site (Stripe keeps them): the order id only, never the customer
    assert.equal(sent.success_url, `http://shop.test/orders/${order.orderId}?paid=1`);
    assert.equal(sent.cancel_url, `http://shop.test/orders/${order.orderId}?cancelled=1`);
    const { traceparent: kept, ...stored } = (await readPayment(kv, order.orderId)).value!;
    assert.deepEqual(stored, payment, "the payment returned is the payment stored");
    assert.equal(kept, traceparent, "the order's trace is kept on the payment");
    assert.deepEqual(await outbox(kv), [], "no payment.link_created: orders has the link from the answer");
    assert.equal(kicks(), 0, "nothing for the relay");
    assert.equal((await payments.getCheckoutSession(payment.sessionId)).orderId, order.orderId);
    assert.equal((await kv.get(["checkout_drafts", order.orderId])).value, null, "draft removed on commit");
  });
});

Deno.test("CreatePaymentLink is idempotent per order: repeated and concurrent calls make one session", async () => {
  await withStripe(
    async ({ payments, kv, standIn }) => {
      const order = anOrder();
      const all = await Promise.all(Array.from({ length: 5 }, () => payments.createPaymentLink(order)));
      const again = await payments.createPaymentLink(order);
      assert.equal(new Set([...all, again].map((p) => p.sessionId)).size, 1);
      assert.equal(standIn.sessions.size, 1, "one session at Stripe");
      assert.equal((await Array.fromAsync(kv.list({ prefix: ["payments"] }))).length, 1, "one payment");
      assert.deepEqual(await outbox(kv), [], "no call announces anything");
    },
    (p) => p,
    50,
  );
});

/** A provider whose first `createCheckout` answer is lost after the session was made. */
function losingFirstAnswer(inner: PaymentProvider): PaymentProvider {
  let failNext = true;
  return {
    name: inner.name,
    parseEvent: (b, s) => inner.parseEvent(b, s),
    expire: (s) => inner.expire(s),
    refund: (r) => inner.refund(r),
    async createCheckout(req) {
      const checkout = await inner.createCheckout(req);
      if (failNext) {
        failNext = false;
        throw new RpcError("unavailable", "connection reset after Stripe created the session");
      }
      return checkout;
    },
  };
}

Deno.test("a lost provider response is retried with the same key and parameters and gets the same session", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    await assert.rejects(payments.createPaymentLink(order), /connection reset/);
    assert.equal((await kv.get(["payments", order.orderId])).value, null);
    const payment = await payments.createPaymentLink(order);
    assert.equal(standIn.sessions.size, 1);
    assert.equal(standIn.sessionCreations.length, 2);
    assert.equal(standIn.sessionCreations[1]!.idempotencyKey, `checkout-${order.orderId}`);
    assert.deepEqual(standIn.sessionCreations[1]!.params, standIn.sessionCreations[0]!.params);
    assert.equal(payment.sessionId, [...standIn.sessions.keys()][0]);
  }, losingFirstAnswer);
});

Deno.test("CreatePaymentLink refuses an order whose total is not the sum of its lines, before asking Stripe", async () => {
  await withStripe(async ({ payments, standIn }) => {
    const order = { ...anOrder(), total: { amount: 1, currency: "EUR" } };
    await assert.rejects(
      payments.createPaymentLink(order),
      (err) => err instanceof DomainError && err.code === "invalid_argument" && err.field === "total.amount",
    );
    assert.equal(standIn.requests.length, 0);
  });
});

Deno.test("a signed checkout.session.completed makes payment.succeeded once, even when delivered twice", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    const pi = standIn.pay(sessionId).payment_intent;
    const { payload, signature } = await webhook(
      standIn,
      "checkout.session.completed",
      sessionId,
      "evt_paid",
    );
    const first = await payments.handleProviderEvent("stripe", payload, signature);
    const second = await payments.handleProviderEvent("stripe", payload, signature);
    assert.equal(first.firstDelivery, true);
    assert.equal(second.firstDelivery, false);
    const stored = await payments.getPayment(order.orderId);
    assert.equal(stored.status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
    assert.equal(stored.paymentRef, pi);
    const succeeded = await outbox(kv, "payment.succeeded");
    assert.equal(succeeded.length, 1);
    assert.equal(succeeded[0]!.body.orderId, order.orderId);
    assert.equal(succeeded[0]!.body.sessionId, sessionId);
    assert.equal(succeeded[0]!.body.providerEventId, "evt_paid");
    assert.deepEqual(succeeded[0]!.body.amount, { amount: 2050, currency: "EUR" });
  });
});

Deno.test("concurrent deliveries of the same webhook make one payment.succeeded", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const { sessionId } = await payments.createPaymentLink(anOrder());
    standIn.pay(sessionId);
    const { payload, signature } = await webhook(standIn, "checkout.session.completed", sessionId);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => payments.handleProviderEvent("stripe", payload, signature)),
    );
    assert.equal(results.filter((r) => r.firstDelivery).length, 1);
    assert.equal((await outbox(kv, "payment.succeeded")).length, 1);
  });
});

Deno.test("a webhook with a bad or missing signature is invalid_argument and changes nothing", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId);
    const forged = await standIn.signed(
      standIn.event("checkout.session.completed", sessionId),
      "whsec_wrong",
    );
    for (const signature of [forged.signature, ""]) {
      await assert.rejects(
        payments.handleProviderEvent("stripe", forged.payload, signature),
        (err) =>
          err instanceof RpcError && err.code === "invalid_argument" && err.field === "stripe-signature",
      );
    }
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    assert.deepEqual(await outbox(kv), []);
    assert.equal((await Array.fromAsync(kv.list({ prefix: ["provider_events"] }))).length, 0);
  });
});

Deno.test("expired and async-failed sessions make payment.expired and payment.failed", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const a = anOrder();
    const b = anOrder();
    const pa = await payments.createPaymentLink(a);
    const pb = await payments.createPaymentLink(b);
    const expired = await webhook(standIn, "checkout.session.expired", pa.sessionId);
    const failed = await webhook(standIn, "checkout.session.async_payment_failed", pb.sessionId);
    await payments.handleProviderEvent("stripe", expired.payload, expired.signature);
    await payments.handleProviderEvent("stripe", failed.payload, failed.signature);
    assert.equal((await payments.getPayment(a.orderId)).status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
    assert.equal((await payments.getPayment(b.orderId)).status, PaymentStatus.PAYMENT_STATUS_FAILED);
    const [e] = await outbox(kv, "payment.expired");
    const [f] = await outbox(kv, "payment.failed");
    assert.equal(e?.body.orderId, a.orderId);
    assert.equal(f?.body.orderId, b.orderId);
    assert.equal(f?.body.reason, "The asynchronous payment failed at Stripe");
  });
});

Deno.test("a late event on a payment that is no longer open changes nothing", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId);
    const paid = await webhook(standIn, "checkout.session.completed", sessionId);
    const late = await webhook(standIn, "checkout.session.expired", sessionId);
    await payments.handleProviderEvent("stripe", paid.payload, paid.signature);
    const res = await payments.handleProviderEvent("stripe", late.payload, late.signature);
    assert.deepEqual([res.firstDelivery, res.changed], [true, false]);
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
    assert.equal((await outbox(kv, "payment.expired")).length, 0);
  });
});

Deno.test("ignored Stripe event types and unknown sessions are acknowledged and change nothing", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const { sessionId } = await payments.createPaymentLink(anOrder());
    const other = await webhook(standIn, "customer.created", sessionId);
    assert.deepEqual(await payments.handleProviderEvent("stripe", other.payload, other.signature), {
      firstDelivery: true,
      payment: null,
      changed: false,
    });
    standIn.sessions.set("cs_test_foreign", {
      ...standIn.sessions.get(sessionId)!,
      id: "cs_test_foreign",
      metadata: {},
    });
    const foreign = await webhook(standIn, "checkout.session.expired", "cs_test_foreign");
    assert.equal(
      (await payments.handleProviderEvent("stripe", foreign.payload, foreign.signature)).payment,
      null,
    );
    assert.deepEqual(await outbox(kv), []);
  });
});

Deno.test("a webhook for a provider this service does not use is invalid_argument", async () => {
  const { payments, kv } = await inMemoryPayments(new LocalPaymentProvider("http://shop.test"));
  try {
    await assert.rejects(
      payments.handleProviderEvent("stripe", new Uint8Array(), "t=1,v1=x"),
      (err) => err instanceof DomainError && err.code === "invalid_argument" && err.field === "provider",
    );
  } finally {
    kv.close();
  }
});

Deno.test("Refund refunds a succeeded payment once through Stripe and announces payment.refunded", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const open = await payments.createPaymentLink(order);
    await assert.rejects(
      payments.refund(order.orderId, "changed mind"),
      (err) => err instanceof DomainError && err.code === "illegal_transition" && /is open/.test(err.message),
    );
    const pi = standIn.pay(open.sessionId).payment_intent;
    const paid = await webhook(standIn, "checkout.session.completed", open.sessionId);
    await payments.handleProviderEvent("stripe", paid.payload, paid.signature);
    const refunded = await payments.refund(order.orderId, "changed mind");
    assert.equal(refunded.payment.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    assert.equal(refunded.full, true);
    assert.equal(
      (await payments.refund(order.orderId, "again")).providerRefundId,
      refunded.providerRefundId,
      "a retry is harmless",
    );
    assert.equal(standIn.refunds.size, 1);
    const refund = standIn.refunds.get(refunded.providerRefundId);
    assert.equal(refund?.payment_intent, pi);
    assert.equal(refund?.amount, 2050);
    const events = await outbox(kv, "payment.refunded");
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.body, {
      orderId: order.orderId,
      refundId: refunded.providerRefundId,
      amount: { amount: 2050, currency: "EUR" },
      full: true,
    });
    await assert.rejects(
      payments.refund("o-none", ""),
      (err) => err instanceof DomainError && err.code === "not_found",
    );
  });
});

Deno.test("local checkout pay, decline and expire go through the webhook path, once per payment", async () => {
  const { payments, kv } = await inMemoryPayments(new LocalPaymentProvider("http://shop.test"));
  try {
    const [a, b, c] = [anOrder(), anOrder(), anOrder()];
    const pa = await payments.createPaymentLink(a);
    const pb = await payments.createPaymentLink(b);
    const pc = await payments.createPaymentLink(c);
    assert.equal(pa.url, `http://shop.test/pay/${pa.sessionId}`);
    assert.equal((await payments.getCheckoutSession(pa.sessionId)).orderId, a.orderId);
    assert.equal(
      (await payments.completeLocalCheckout(pa.sessionId, "succeeded")).status,
      PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
    );
    assert.equal(
      (await payments.completeLocalCheckout(pb.sessionId, "failed")).status,
      PaymentStatus.PAYMENT_STATUS_FAILED,
    );
    assert.equal(
      (await payments.completeLocalCheckout(pc.sessionId, "expired")).status,
      PaymentStatus.PAYMENT_STATUS_EXPIRED,
    );
    // pressing Pay again on a paid session changes nothing
    assert.equal(
      (await payments.completeLocalCheckout(pa.sessionId, "expired")).status,
      PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
    );
    assert.deepEqual(
      (await outbox(kv)).map((e) => e.routingKey),
      ["payment.succeeded", "payment.failed", "payment.expired"],
    );
    const markers = await Array.fromAsync(kv.list({ prefix: ["provider_events", "local"] }));
    assert.equal(markers.length, 4, "each local event recorded like a webhook");
    await assert.rejects(
      payments.getCheckoutSession("local_cs_nope"),
      (err) => err instanceof DomainError && err.code === "not_found",
    );
  } finally {
    kv.close();
  }
});

Deno.test("CompleteLocalCheckout is refused when Stripe is the provider", async () => {
  await withStripe(async ({ payments }) => {
    const { sessionId } = await payments.createPaymentLink(anOrder());
    await assert.rejects(
      payments.completeLocalCheckout(sessionId, "succeeded"),
      (err) => err instanceof DomainError && err.code === "permission_denied",
    );
  });
});

/**
 * Runs the `order.created` handler as the consumer would, into a fresh operation it leaves to the
 * caller to commit; `applied` counts the handler's `alreadyApplied` calls.
 */
async function deliverCreated(
  payments: PaymentsApp,
  kv: Deno.Kv,
  order: OrderToPay,
  messageId: string,
  traceparent?: string,
): Promise<{ op: Deno.AtomicOperation; applied: number }> {
  const op = kv.atomic();
  let applied = 0;
  await paymentsEventHandlers(payments)["order.created"]!(
    { ...order, createdAt: order.placedAt ?? new Date(), number: 0, details: undefined },
    {
      op,
      kv,
      messageId,
      routingKey: "order.created",
      attempt: 1,
      alreadyApplied: () => void applied++,
      ...(traceparent ? { traceparent } : {}),
    },
  );
  return { op, applied };
}

/** The `payment.link_created` body announcing `payment`'s link. */
function linkBody(
  payment: { orderId: string; sessionId: string; url: string; expiresAt?: Date | undefined },
) {
  return {
    orderId: payment.orderId,
    provider: "stripe",
    sessionId: payment.sessionId,
    url: payment.url,
    expiresAt: payment.expiresAt!.toISOString(),
  };
}

Deno.test("order.created for an order with no payment adds the payment and payment.link_created to the consumer's commit; run again it makes no second checkout and announces the same link", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const traceparent = newTraceparent();
    const first = await deliverCreated(payments, kv, order, "m1", traceparent);
    assert.equal(first.applied, 0);
    assert.equal((await readPayment(kv, order.orderId)).value, null, "nothing stored before the commit");
    assert.deepEqual(await outbox(kv), [], "nothing announced before the commit");
    assert.equal((await first.op.commit()).ok, true);
    const entry = await readPayment(kv, order.orderId);
    const payment = entry.value!;
    assert.equal(payment.status, PaymentStatus.PAYMENT_STATUS_OPEN);
    assert.equal(payment.traceparent, traceparent);
    assert.equal(standIn.sessions.get(payment.sessionId)?.metadata?.order_id, order.orderId);
    assert.equal((await kv.get(["checkout_drafts", order.orderId])).value, null, "draft removed on commit");
    const events = await outbox(kv);
    assert.deepEqual(events.map((e) => e.routingKey), ["payment.link_created"]);
    assert.deepEqual(events[0]!.body, linkBody(payment));
    assert.equal(events[0]!.traceparent, traceparent);

    // run again (the fact published again under a new message id; a redelivery of the same message
    // never reaches the handler: the consumer's inbox acknowledges it as a duplicate)
    const again = await deliverCreated(payments, kv, order, "m2", traceparent);
    assert.equal(again.applied, 0, "it announces, so it commits");
    assert.equal((await again.op.commit()).ok, true);
    assert.equal(standIn.sessionCreations.length, 1, "Stripe asked once");
    assert.equal(standIn.sessions.size, 1);
    assert.equal(
      (await readPayment(kv, order.orderId)).versionstamp,
      entry.versionstamp,
      "payment untouched",
    );
    const links = await outbox(kv, "payment.link_created");
    assert.deepEqual(links.map((e) => e.body), [linkBody(payment), linkBody(payment)]);
    assert.equal((await outbox(kv)).length, 2);

    const bad = { ...order, orderId: "o-bad", total: { amount: 5, currency: "EUR" } };
    await assert.rejects(deliverCreated(payments, kv, bad, "m9"), MalformedEventError);
  });
});

Deno.test("order.created for an open payment CreatePaymentLink made (its answer lost) announces that payment's link and changes nothing else", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const payment = await payments.createPaymentLink(order);
    const before = await readPayment(kv, order.orderId);
    assert.deepEqual(await outbox(kv), []);
    const traceparent = newTraceparent();
    const { op, applied } = await deliverCreated(payments, kv, order, "m1", traceparent);
    assert.equal(applied, 0);
    assert.deepEqual(await outbox(kv), [], "nothing announced before the commit");
    assert.equal((await op.commit()).ok, true);
    const events = await outbox(kv);
    assert.deepEqual(events.map((e) => e.routingKey), ["payment.link_created"]);
    assert.deepEqual(events[0]!.body, linkBody(payment));
    assert.equal(events[0]!.traceparent, traceparent);
    assert.equal(standIn.sessionCreations.length, 1, "no second checkout asked for");
    assert.equal(
      (await readPayment(kv, order.orderId)).versionstamp,
      before.versionstamp,
      "payment untouched",
    );
  });
});

Deno.test("order.created for a payment no longer open announces nothing and is already applied", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const paid = anOrder();
    const expired = anOrder();
    const p = await payments.createPaymentLink(paid);
    const e = await payments.createPaymentLink(expired);
    standIn.pay(p.sessionId);
    const outcomeEvents = [
      await webhook(standIn, "checkout.session.completed", p.sessionId),
      await webhook(standIn, "checkout.session.expired", e.sessionId),
    ];
    for (const { payload, signature } of outcomeEvents) {
      assert.equal((await payments.handleProviderEvent("stripe", payload, signature)).changed, true);
    }
    const outcomes = await outbox(kv);
    assert.deepEqual(outcomes.map((x) => x.routingKey), ["payment.succeeded", "payment.expired"]);
    for (const order of [paid, expired]) {
      const before = await readPayment(kv, order.orderId);
      const { op, applied } = await deliverCreated(payments, kv, order, `m-${order.orderId}`);
      assert.equal(applied, 1, "already applied: the consumer acknowledges it without a commit");
      assert.equal((await op.commit()).ok, true);
      assert.equal((await readPayment(kv, order.orderId)).versionstamp, before.versionstamp);
    }
    assert.deepEqual(await outbox(kv), outcomes, "no payment.link_created");
    assert.equal(standIn.sessionCreations.length, 2, "no checkout asked for");
  });
});

Deno.test("order.cancelled expires an open checkout at Stripe and marks the payment expired, announcing nothing", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const handlers = paymentsEventHandlers(payments);
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    const cancel = async (id: string) => {
      const op = kv.atomic();
      await handlers["order.cancelled"]!(
        { orderId: order.orderId, reason: "customer", cancelledAt: new Date() },
        { op, kv, messageId: id, routingKey: "order.cancelled", attempt: 1 },
      );
      assert.equal((await op.commit()).ok, true);
    };
    await cancel("m1");
    assert.equal(standIn.sessions.get(sessionId)?.status, "expired");
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
    await cancel("m2");
    assert.equal((await outbox(kv, "payment.expired")).length, 0, "the order is cancelled: nobody to tell");
    // Stripe's own checkout.session.expired webhook then changes nothing
    const late = await webhook(standIn, "checkout.session.expired", sessionId);
    assert.equal((await payments.handleProviderEvent("stripe", late.payload, late.signature)).changed, false);
  });
});

Deno.test("order.cancelled leaves a payment open when its checkout already completed at Stripe", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    const { sessionId } = await payments.createPaymentLink(order);
    standIn.pay(sessionId);
    const op = kv.atomic();
    await paymentsEventHandlers(payments)["order.cancelled"]!(
      { orderId: order.orderId, reason: "customer", cancelledAt: new Date() },
      { op, kv, messageId: "m1", routingKey: "order.cancelled", attempt: 1 },
    );
    await op.commit();
    assert.equal((await payments.getPayment(order.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
  });
});

Deno.test("an overdue local checkout expires through the local event path; Stripe ones are left to Stripe", async () => {
  const { payments, kv } = await inMemoryPayments(new LocalPaymentProvider("http://shop.test"));
  try {
    const due = await payments.createPaymentLink(anOrder());
    const paid = await payments.createPaymentLink(anOrder());
    await payments.completeLocalCheckout(paid.sessionId, "succeeded");
    assert.equal(await payments.expireOverdueLocal(new Date(due.expiresAt!.getTime() - 1000)), 0);
    assert.equal(await payments.expireOverdueLocal(new Date(due.expiresAt!.getTime() + 1000)), 1);
    assert.equal((await payments.getPayment(due.orderId)).status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
    assert.equal((await payments.getPayment(paid.orderId)).status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
    assert.equal((await outbox(kv, "payment.expired")).length, 1);
  } finally {
    kv.close();
  }
  await withStripe(async ({ payments }) => {
    const p = await payments.createPaymentLink(anOrder());
    assert.equal(await payments.expireOverdueLocal(new Date(p.expiresAt!.getTime() + 1000)), 0);
  });
});

Deno.test("a checkout draft too old for Stripe to accept is replaced by a new generation with its own key", async () => {
  let now = new Date();
  const standIn = StripeStandIn.start();
  const provider = new StripePaymentProvider({
    secretKey: "sk_test_1",
    webhookSecret: SECRET,
    apiUrl: standIn.url,
  });
  let down = true;
  const flaky: PaymentProvider = {
    name: provider.name,
    parseEvent: (b, s) => provider.parseEvent(b, s),
    expire: (s) => provider.expire(s),
    refund: (r) => provider.refund(r),
    createCheckout: (req) =>
      down ? Promise.reject(new RpcError("unavailable", "Stripe is down")) : provider.createCheckout(req),
  };
  const { payments, kv } = await inMemoryPayments(flaky, () => now);
  try {
    const order = anOrder();
    await assert.rejects(payments.createPaymentLink(order), /Stripe is down/);
    now = new Date(now.getTime() + 10 * 60_000); // a dead letter replayed ten minutes later
    down = false;
    const payment = await payments.createPaymentLink(order);
    assert.equal(standIn.sessionCreations.length, 1);
    assert.equal(standIn.sessionCreations[0]!.idempotencyKey, `checkout-${order.orderId}-g2`);
    assert.equal(payment.expiresAt!.getTime(), Math.floor((now.getTime() + 31 * 60_000) / 1000) * 1000);
  } finally {
    kv.close();
    await standIn.stop();
  }
});

Deno.test("with the order's placing time CreatePaymentLink makes one commit, the payment's; without, two (the draft first)", async () => {
  await withStripe(async ({ payments, kv }) => {
    const commits = countCommits(kv);
    await payments.createPaymentLink({ ...anOrder(), placedAt: new Date() });
    assert.equal(commits.ok + commits.failed, 1);
    await payments.createPaymentLink(anOrder());
    assert.equal(commits.ok + commits.failed, 3);
  });
});

Deno.test("with the order's placing time no draft is stored first: a lost answer is retried with the same key and parameters", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const placedAt = new Date(Date.now() - 2_000);
    const order = { ...anOrder(), placedAt };
    await assert.rejects(payments.createPaymentLink(order), /connection reset/);
    assert.equal((await kv.get(["checkout_drafts", order.orderId])).versionstamp, null, "nothing committed");
    const payment = await payments.createPaymentLink(order);
    assert.equal(standIn.sessions.size, 1);
    assert.equal(standIn.sessionCreations.length, 2);
    for (const c of standIn.sessionCreations) {
      assert.equal(c.idempotencyKey, `checkout-${order.orderId}-at${placedAt.getTime()}`);
    }
    assert.deepEqual(standIn.sessionCreations[1]!.params, standIn.sessionCreations[0]!.params);
    assert.equal(
      payment.expiresAt!.getTime(),
      Math.floor((placedAt.getTime() + 31 * 60_000) / 1000) * 1000,
      "the expiry is the placing time's, not the attempt's",
    );
    assert.equal(payment.createdAt!.getTime(), placedAt.getTime());
  }, losingFirstAnswer);
});

Deno.test("order.created makes the checkout from its order's creation time, as CreatePaymentLink does", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const placedAt = new Date(Date.now() - 1_000);
    const order = { ...anOrder(), placedAt };
    const { op } = await deliverCreated(payments, kv, order, "m1");
    assert.equal((await op.commit()).ok, true);
    assert.equal(standIn.sessionCreations.length, 1);
    assert.equal(
      standIn.sessionCreations[0]!.idempotencyKey,
      `checkout-${order.orderId}-at${placedAt.getTime()}`,
    );
    assert.equal(
      Number(standIn.sessionCreations[0]!.params.expires_at),
      Math.floor((placedAt.getTime() + 31 * 60_000) / 1000),
    );
    assert.equal((await kv.get(["checkout_drafts", order.orderId])).versionstamp, null, "no draft stored");
  });
});

Deno.test("an order placed too long ago for its fixed expiry gets a stored generation 2 with its own key", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    // 40 minutes later (a dead letter replayed): an attempt may have sent generation 1 back then
    const order = { ...anOrder(), placedAt: new Date(Date.now() - 40 * 60_000) };
    const before = Date.now();
    const payment = await payments.createPaymentLink(order);
    assert.equal(standIn.sessionCreations.length, 1);
    assert.equal(standIn.sessionCreations[0]!.idempotencyKey, `checkout-${order.orderId}-g2`);
    assert.ok(payment.expiresAt!.getTime() >= Math.floor((before + 31 * 60_000) / 1000) * 1000);
    assert.equal((await kv.get(["payments", order.orderId])).versionstamp !== null, true);
  });
});

Deno.test("a placing time far ahead of payments' clock does not fix the expiry: the draft is stored from generation 1", async () => {
  let stored: unknown = undefined;
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = { ...anOrder(), placedAt: new Date(Date.now() + 3_600_000) };
    const before = Date.now();
    await assert.rejects(payments.createPaymentLink(order), /connection reset/);
    stored = (await kv.get(["checkout_drafts", order.orderId])).value;
    assert.ok(stored, "a draft was stored before the provider was asked");
    const payment = await payments.createPaymentLink(order);
    assert.equal(standIn.sessionCreations[0]!.idempotencyKey, `checkout-${order.orderId}`);
    assert.deepEqual(standIn.sessionCreations[1]!.params, standIn.sessionCreations[0]!.params);
    const expires = payment.expiresAt!.getTime();
    assert.ok(expires < order.placedAt.getTime(), "not an hour later than it should be");
    assert.ok(expires >= Math.floor((before + 31 * 60_000) / 1000) * 1000);
  }, losingFirstAnswer);
});

Deno.test("two attempts that disagree on the placing time make two sessions, not a key error; one payment is stored", async () => {
  await withStripe(async ({ payments, kv, standIn }) => {
    const order = anOrder();
    // payments stopped after Stripe made the first session and before its commit (its answer lost);
    // orders stopped too, and the CreateOrder retried placed the order anew, a second later
    const first = { ...order, placedAt: new Date(Date.now() - 2_000) };
    await assert.rejects(payments.createPaymentLink(first), /connection reset/);
    const retried = { ...order, placedAt: new Date(Date.now() - 1_000) };
    const payment = await payments.createPaymentLink(retried);
    assert.equal(standIn.sessions.size, 2, "the first session is left to expire unused");
    assert.notEqual(standIn.sessionCreations[0]!.idempotencyKey, standIn.sessionCreations[1]!.idempotencyKey);
    assert.equal(payment.sessionId, [...standIn.sessions.keys()][1]);
    assert.equal((await Array.fromAsync(kv.list({ prefix: ["payments"] }))).length, 1, "one payment");
    assert.equal(
      (await payments.createPaymentLink(first)).sessionId,
      payment.sessionId,
      "then always that one",
    );
  }, losingFirstAnswer);
});
