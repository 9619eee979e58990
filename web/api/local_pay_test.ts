import assert from "node:assert/strict";
import { eventually } from "../../services/common/bus/testing.ts";
import { mountPages } from "../framework/mod.ts";
import { createApp } from "../server.ts";
import {
  depsWithoutServices,
  errorOf,
  postJson,
  proofFor,
  startSystem,
  type TestSystem,
} from "../testing.ts";
import { LOCAL_SESSION_ID, localSessionId } from "./local_pay.ts";
import type { OrderJson, PaymentJson } from "./order_json.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ORDERS = "/api/customers/alice/orders";
const ALICE = await proofFor("alice");

async function newOrder(sys: TestSystem): Promise<{ order: OrderJson; sessionId: string }> {
  const res = await sys.request(ORDERS, postJson({ items: [{ id: "2", quantity: 2 }] }, ALICE));
  assert.equal(res.status, 201);
  const order = await res.json() as OrderJson;
  const sessionId = new URL(order.paymentLink).pathname.split("/").at(-1) ?? "";
  return { order, sessionId };
}

async function statusBecomes(sys: TestSystem, orderId: string, status: string): Promise<OrderJson> {
  return await eventually(async () => {
    const o = await (await sys.request(`${ORDERS}/${orderId}`, { headers: ALICE })).json() as OrderJson;
    return o.status === status ? o : undefined;
  }, `order ${orderId} to be ${status}`);
}

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

      const res = await sys.request(`/api/payments/local/${sessionId}`, postJson({ outcome: "decline" }));
      assert.equal(res.status, 200);
      const payment = await res.json() as PaymentJson;
      assert.equal(payment.orderId, order.id);
      assert.equal(payment.status, "failed");
      assert.equal(payment.provider, "local");
      // whoever holds a session id is not proven to be its customer: the answer does not name them
      assert.ok(!("customerId" in payment), JSON.stringify(payment));
      assert.ok(!JSON.stringify(payment).includes("alice"), JSON.stringify(payment));
      await statusBecomes(sys, order.id, "cancelled");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("localSessionId takes only the local provider's ids: malformed 400, any other id 404", () => {
  const local = `local_cs_${"0123456789abcdef".repeat(2)}`;
  assert.match(local, LOCAL_SESSION_ID);
  assert.equal(localSessionId(local), local);
  for (const [id, status] of [["cs_test_a1b2c3", 404], ["local_cs_1", 404], ["bad id!", 400]] as const) {
    assert.throws(() => localSessionId(id), (e: unknown) => (e as { status?: number }).status === status, id);
  }
});

Deno.test(
  "a Stripe session id gets 404 from the pay page and the local pay API, without asking payments",
  opts,
  async () => {
    // Payments is down: had the gateway asked it, the answer would be 503, not 404.
    const { deps, close } = depsWithoutServices({ RPC_TIMEOUT_MS: "1000" });
    const app = createApp(deps);
    await mountPages(app, deps);
    try {
      const stripeId = "cs_test_a1B2c3D4e5F6g7H8i9J0";
      const page = await app.request(`/pay/${stripeId}`);
      assert.equal(page.status, 404);
      assert.match(await page.text(), /Page not found/);
      const form = await app.request(`/pay/${stripeId}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "outcome=pay",
      });
      assert.equal(form.status, 404);
      await form.body?.cancel();
      const api = await app.request(`/api/payments/local/${stripeId}`, postJson({ outcome: "pay" }));
      assert.equal(api.status, 404);
      assert.equal((await errorOf(api)).code, "not_found");
      const local = await app.request(`/pay/local_cs_${"ab".repeat(16)}`);
      assert.equal(local.status, 503, "a local id is looked up (and payments is down)");
      await local.body?.cancel();
    } finally {
      close();
    }
  },
);
