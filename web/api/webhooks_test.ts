import assert from "node:assert/strict";
import { eventually } from "../../services/common/bus/testing.ts";
import { StripeStandIn } from "../../services/payments/testing/stripe_stand_in.ts";
import { errorOf, postJson, proofFor, startSystem, TEST_WEBHOOK_SECRET } from "../testing.ts";
import type { OrderJson } from "./order_json.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const CAROL = await proofFor("carol");

function deliver(payload: Uint8Array | string, signature?: string): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
    body: typeof payload === "string" ? payload : new Uint8Array(payload),
  };
}

Deno.test(
  "a signed Stripe webhook passes through as its exact bytes and pays the order, once",
  opts,
  async () => {
    const standIn = StripeStandIn.start();
    const sys = await startSystem({ payments: "stripe", stripeApiUrl: standIn.url });
    try {
      const created = await sys.request(
        "/api/customers/carol/orders",
        postJson({ items: [{ id: "1", quantity: 1 }] }, CAROL),
      );
      assert.equal(created.status, 201);
      const order = await created.json() as OrderJson;
      const [sessionId] = [...standIn.sessions.keys()];
      assert.ok(sessionId);
      // the URLs Stripe keeps (they leave the site) name the order only, never the customer
      const session = standIn.sessions.get(sessionId)!;
      assert.equal(session.success_url, `http://127.0.0.1:8080/orders/${order.id}?paid=1`);
      assert.equal(session.cancel_url, `http://127.0.0.1:8080/orders/${order.id}?cancelled=1`);
      assert.ok(!order.paymentLink.includes("carol"));
      standIn.pay(sessionId);
      const { payload, signature } = await standIn.signed(
        standIn.event("checkout.session.completed", sessionId, "evt_web_1"),
        TEST_WEBHOOK_SECRET,
      );

      // The same JSON with other whitespace is not what was signed: rejected, nothing changes.
      const reformatted = JSON.stringify(JSON.parse(new TextDecoder().decode(payload)), null, 2);
      const tampered = await sys.request("/api/webhooks/stripe", deliver(reformatted, signature));
      assert.equal(tampered.status, 400);
      const err = await errorOf(tampered);
      assert.equal(err.code, "invalid_argument");
      assert.match(err.message, /Invalid Stripe signature/);

      const ok = await sys.request("/api/webhooks/stripe", deliver(payload, signature));
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { received: true, firstDelivery: true });
      const again = await sys.request("/api/webhooks/stripe", deliver(payload, signature));
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), { received: true, firstDelivery: false });

      const paid = await eventually(async () => {
        const res = await sys.request(`/api/customers/carol/orders/${order.id}`, { headers: CAROL });
        const o = await res.json() as OrderJson;
        return o.status === "paid" ? o : undefined;
      }, "the order to be paid");
      assert.equal(paid.timeline.filter((e) => e.status === "paid").length, 1);
    } finally {
      await sys.stop();
      await standIn.stop();
    }
  },
);

Deno.test(
  "a Stripe webhook without a signature, with a forged one or empty is 400 and reaches nothing",
  opts,
  async () => {
    const sys = await startSystem({ payments: "stripe" });
    try {
      const body = JSON.stringify({ id: "evt_x", type: "checkout.session.completed", data: { object: {} } });
      const missing = await sys.request("/api/webhooks/stripe", deliver(body));
      assert.equal(missing.status, 400);
      const m = await errorOf(missing);
      assert.equal(m.field, "Stripe-Signature");
      assert.match(m.message, /Stripe-Signature header is missing/);

      const forged = await sys.request("/api/webhooks/stripe", deliver(body, "t=1,v1=deadbeef"));
      assert.equal(forged.status, 400);
      const f = await errorOf(forged);
      assert.match(f.message, /Invalid Stripe signature/);
      assert.equal(f.field, "Stripe-Signature", "the header as the API spells it, whoever found the fault");

      const empty = await sys.request("/api/webhooks/stripe", deliver("", "t=1,v1=deadbeef"));
      assert.equal(empty.status, 400);
      assert.match((await errorOf(empty)).message, /Webhook body is empty/);

      const wrongMethod = await sys.request("/api/webhooks/stripe");
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get("allow"), "POST");
    } finally {
      await sys.stop();
    }
  },
);
