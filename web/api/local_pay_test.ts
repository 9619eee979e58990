import assert from "node:assert/strict";
import { errorOf, postJson, startSystem, type TestSystem } from "../testing.ts";
import type { OrderJson, PaymentJson } from "./order_json.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ORDERS = "/api/customers/alice/orders";

async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newOrder(sys: TestSystem): Promise<{ order: OrderJson; sessionId: string }> {
  const res = await sys.request(ORDERS, postJson({ items: [{ id: "2", quantity: 2 }] }));
  assert.equal(res.status, 201);
  const order = await res.json() as OrderJson;
  const sessionId = new URL(order.paymentLink).pathname.split("/").at(-1) ?? "";
  return { order, sessionId };
}

async function statusBecomes(sys: TestSystem, orderId: string, status: string): Promise<OrderJson> {
  return await eventually(async () => {
    const o = await (await sys.request(`${ORDERS}/${orderId}`)).json() as OrderJson;
    return o.status === status ? o : undefined;
  }, `order ${orderId} to be ${status}`);
}

Deno.test(
  "the pay page shows the order with three buttons; Pay redirects to the order, which becomes paid",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const { order, sessionId } = await newOrder(sys);
      assert.match(order.paymentLink, new RegExp(`/pay/${sessionId}$`));

      const page = await sys.request(`/pay/${sessionId}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      const html = await page.text();
      assert.match(html, /Marinara/);
      assert.match(html, /Total: 14\.00 EUR/);
      for (const outcome of ["pay", "decline", "expire"]) {
        assert.match(html, new RegExp(`<button name="outcome" value="${outcome}">`));
      }
      assert.match(html, new RegExp(`<form method="post" action="/pay/${sessionId}">`));

      const submitted = await sys.request(`/pay/${sessionId}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "outcome=pay",
      });
      assert.equal(submitted.status, 303);
      assert.equal(submitted.headers.get("location"), `/orders/${order.id}?customer=alice`);

      await statusBecomes(sys, order.id, "paid");
      const placeholder = await sys.request(`/orders/${order.id}?customer=alice`);
      assert.equal(placeholder.status, 200);
      assert.match(await placeholder.text(), /is <strong>paid<\/strong>/);
      const otherCustomer = await sys.request(`/orders/${order.id}?customer=bob`);
      assert.equal(otherCustomer.status, 404);
      await otherCustomer.body?.cancel();

      // A paid order can no longer be cancelled by the customer.
      const cancel = await sys.request(`${ORDERS}/${order.id}/cancel`, { method: "POST" });
      assert.equal(cancel.status, 409);
      const err = await errorOf(cancel);
      assert.equal(err.code, "illegal_transition");
      assert.match(err.message, /paid/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "POST /api/payments/local/:sessionId completes the checkout as JSON and rejects bad outcomes",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const { order, sessionId } = await newOrder(sys);
      const bad = await sys.request(`/api/payments/local/${sessionId}`, postJson({ outcome: "steal" }));
      assert.equal(bad.status, 422);
      const e = await errorOf(bad);
      assert.equal(e.field, "outcome");
      assert.match(e.message, /Outcome must be "pay", "decline" or "expire", got "steal"/);
      const missing = await sys.request(`/api/payments/local/${sessionId}`, postJson({}));
      assert.equal(missing.status, 422);
      assert.equal((await errorOf(missing)).field, "outcome");
      const unknown = await sys.request("/api/payments/local/local_cs_nope", postJson({ outcome: "pay" }));
      assert.equal(unknown.status, 404);
      assert.match((await errorOf(unknown)).message, /local_cs_nope/);
      const notFoundPage = await sys.request("/pay/local_cs_nope");
      assert.equal(notFoundPage.status, 404);
      assert.match(await notFoundPage.text(), /local_cs_nope/);

      const res = await sys.request(`/api/payments/local/${sessionId}`, postJson({ outcome: "decline" }));
      assert.equal(res.status, 200);
      const payment = await res.json() as PaymentJson;
      assert.equal(payment.orderId, order.id);
      assert.equal(payment.status, "failed");
      assert.equal(payment.provider, "local");
      await statusBecomes(sys, order.id, "cancelled");
    } finally {
      await sys.stop();
    }
  },
);
