import assert from "node:assert/strict";
import { RpcError } from "../../common/errors.ts";
import { StripeStandIn } from "../testing/stripe_stand_in.ts";
import type { CheckoutRequest } from "./provider.ts";
import { stripeHostOptions, StripePaymentProvider } from "./stripe.ts";

const SECRET = "whsec_test_secret";

function setup(options = {}) {
  const standIn = StripeStandIn.start(options);
  const provider = new StripePaymentProvider({
    secretKey: "sk_test_123",
    webhookSecret: SECRET,
    apiUrl: standIn.url,
  });
  return { standIn, provider };
}

const request = (orderId = "o-1"): CheckoutRequest => ({
  orderId,
  customerId: "c-1",
  items: [
    { itemId: "pizza", name: "Pizza Margherita", quantity: 2, unitPrice: { amount: 900, currency: "EUR" } },
    { itemId: "cola", name: "", quantity: 1, unitPrice: { amount: 250, currency: "EUR" } },
  ],
  total: { amount: 2050, currency: "EUR" },
  idempotencyKey: `checkout-${orderId}`,
  successUrl: `http://shop.test/orders/${orderId}?paid=1`,
  cancelUrl: `http://shop.test/orders/${orderId}?cancelled=1`,
  expiresAt: new Date(Date.now() + 31 * 60_000),
});

Deno.test("stripeHostOptions points the SDK at a stand-in's host, port and protocol", () => {
  assert.deepEqual(stripeHostOptions("http://127.0.0.1:12111"), {
    host: "127.0.0.1",
    port: 12111,
    protocol: "http",
  });
  assert.deepEqual(stripeHostOptions(undefined), {});
});

Deno.test("createCheckout sends a payment-mode session with inline price data, the order id and the return URLs", async () => {
  const { standIn, provider } = setup();
  try {
    const req = request();
    const checkout = await provider.createCheckout(req);
    assert.match(checkout.sessionId, /^cs_test_/);
    assert.equal(checkout.url, `https://checkout.stripe.com/c/pay/${checkout.sessionId}`);
    assert.equal(checkout.expiresAt.getTime(), Math.floor(req.expiresAt.getTime() / 1000) * 1000);
    const [sent] = standIn.sessionCreations;
    assert.ok(sent);
    assert.equal(sent.idempotencyKey, "checkout-o-1");
    assert.equal(sent.authorization, "Bearer sk_test_123");
    const p = sent.params;
    assert.equal(p.mode, "payment");
    assert.deepEqual(p.line_items, [
      {
        quantity: "2",
        price_data: {
          currency: "eur",
          unit_amount: "900",
          product_data: { name: "Pizza Margherita", metadata: { item_id: "pizza" } },
        },
      },
      {
        quantity: "1",
        price_data: {
          currency: "eur",
          unit_amount: "250",
          product_data: { name: "cola", metadata: { item_id: "cola" } },
        },
      },
    ]);
    assert.equal(JSON.stringify(p).includes('"price":'), false, "no price ids");
    assert.deepEqual(p.metadata, { order_id: "o-1", customer_id: "c-1" });
    assert.equal(p.client_reference_id, "o-1");
    assert.equal(p.success_url, "http://shop.test/orders/o-1?paid=1");
    assert.equal(p.cancel_url, "http://shop.test/orders/o-1?cancelled=1");
    assert.equal(p.expires_at, String(Math.floor(req.expiresAt.getTime() / 1000)));
    assert.equal(standIn.sessions.get(checkout.sessionId)?.amount_total, 2050);
  } finally {
    await standIn.stop();
  }
});

Deno.test("createCheckout with the same idempotency key returns the same session, even concurrently", async () => {
  const { standIn, provider } = setup({ createLatencyMs: 100 });
  try {
    const req = request();
    const [a, b] = await Promise.all([provider.createCheckout(req), provider.createCheckout(req)]);
    const c = await provider.createCheckout(req);
    assert.equal(a.sessionId, b.sessionId);
    assert.equal(a.sessionId, c.sessionId);
    assert.equal(standIn.sessions.size, 1);
  } finally {
    await standIn.stop();
  }
});

Deno.test("createCheckout failures at Stripe are unavailable errors naming the order", async () => {
  const { standIn, provider } = setup();
  try {
    await provider.createCheckout(request());
    // same key, different parameters: Stripe's idempotency_error
    await assert.rejects(
      provider.createCheckout({ ...request(), expiresAt: new Date(Date.now() + 60 * 60_000) }),
      (err) => err instanceof RpcError && err.code === "unavailable" && /order "o-1"/.test(err.message),
    );
    assert.equal(standIn.sessions.size, 1);
  } finally {
    await standIn.stop();
  }
});

Deno.test("parseEvent maps a signed checkout.session.completed to succeeded with the order id and payment intent", async () => {
  const { standIn, provider } = setup();
  try {
    const { sessionId } = await provider.createCheckout(request());
    const session = standIn.pay(sessionId);
    const { payload, signature } = await standIn.signed(
      standIn.event("checkout.session.completed", sessionId, "evt_1"),
      SECRET,
    );
    assert.deepEqual(await provider.parseEvent(payload, signature), {
      id: "evt_1",
      type: "succeeded",
      sessionId,
      orderId: "o-1",
      paymentRef: session.payment_intent,
    });
  } finally {
    await standIn.stop();
  }
});

Deno.test("parseEvent maps async failure and expiry, and ignores other event types and unpaid completions", async () => {
  const { standIn, provider } = setup();
  try {
    const { sessionId } = await provider.createCheckout(request());
    const parse = async (type: string) => {
      const { payload, signature } = await standIn.signed(standIn.event(type, sessionId), SECRET);
      return await provider.parseEvent(payload, signature);
    };
    assert.equal((await parse("checkout.session.async_payment_failed"))?.type, "failed");
    assert.equal((await parse("checkout.session.expired"))?.type, "expired");
    assert.equal(await parse("checkout.session.completed"), null, "completed but unpaid (async method)");
    assert.equal(await parse("payment_intent.created"), null);
    standIn.pay(sessionId);
    assert.equal((await parse("checkout.session.async_payment_succeeded"))?.type, "succeeded");
  } finally {
    await standIn.stop();
  }
});

Deno.test("parseEvent rejects a missing, forged or tampered signature as invalid_argument on stripe-signature", async () => {
  const { standIn, provider } = setup();
  try {
    const { sessionId } = await provider.createCheckout(request());
    const event = standIn.event("checkout.session.completed", sessionId);
    const { payload, signature } = await standIn.signed(event, SECRET);
    const forged = await standIn.signed(event, "whsec_someone_else");
    const tampered = new TextEncoder().encode(new TextDecoder().decode(payload).replace('"o-1"', '"o-2"'));
    for (
      const [body, sig] of [[payload, ""], [payload, forged.signature], [tampered, signature], [
        payload,
        "garbage",
      ]] as const
    ) {
      await assert.rejects(
        provider.parseEvent(body, sig),
        (err) =>
          err instanceof RpcError && err.code === "invalid_argument" && err.field === "stripe-signature" &&
          err.message === "Invalid Stripe signature",
      );
    }
  } finally {
    await standIn.stop();
  }
});

Deno.test("expire expires an open session and reports a completed one instead of failing", async () => {
  const { standIn, provider } = setup();
  try {
    const open = await provider.createCheckout(request("o-1"));
    assert.deepEqual(await provider.expire(open.sessionId), { expired: true });
    assert.equal(standIn.sessions.get(open.sessionId)?.status, "expired");
    assert.deepEqual(await provider.expire(open.sessionId), { expired: true }, "already expired counts");
    const paid = await provider.createCheckout(request("o-2"));
    standIn.pay(paid.sessionId);
    assert.deepEqual(await provider.expire(paid.sessionId), { expired: false });
  } finally {
    await standIn.stop();
  }
});

Deno.test("refund refunds the payment intent once per idempotency key, looking it up from the session when needed", async () => {
  const { standIn, provider } = setup();
  try {
    const { sessionId } = await provider.createCheckout(request());
    const pi = standIn.pay(sessionId).payment_intent!;
    const a = await provider.refund({ orderId: "o-1", sessionId, idempotencyKey: "refund-o-1" });
    const b = await provider.refund({
      orderId: "o-1",
      sessionId,
      paymentRef: pi,
      idempotencyKey: "refund-o-1",
    });
    assert.equal(a.refundId, b.refundId);
    assert.equal(standIn.refunds.size, 1);
    assert.equal(standIn.refunds.get(a.refundId)?.payment_intent, pi);
  } finally {
    await standIn.stop();
  }
});
