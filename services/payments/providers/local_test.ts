import assert from "node:assert/strict";
import { RpcError } from "../../common/errors.ts";
import { LocalPaymentProvider } from "./local.ts";
import type { CheckoutRequest } from "./provider.ts";

const request: CheckoutRequest = {
  orderId: "o-1",
  customerId: "c-1",
  items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
  total: { amount: 900, currency: "EUR" },
  idempotencyKey: "checkout-o-1",
  successUrl: "http://shop.test/orders/o-1?paid=1",
  cancelUrl: "http://shop.test/orders/o-1?cancelled=1",
  expiresAt: new Date("2030-01-01T00:30:00Z"),
};

Deno.test("local checkout is a random session on the storefront's pay page, once per idempotency key", async () => {
  const provider = new LocalPaymentProvider("http://shop.test/");
  const a = await provider.createCheckout(request);
  assert.match(a.sessionId, /^local_cs_[0-9a-f]{32}$/);
  assert.equal(a.url, `http://shop.test/pay/${a.sessionId}`);
  assert.equal(a.expiresAt, request.expiresAt);
  assert.deepEqual(await provider.createCheckout(request), a);
  const other = await provider.createCheckout({ ...request, idempotencyKey: "checkout-o-2" });
  assert.notEqual(other.sessionId, a.sessionId);
});

Deno.test("local events are signed by the provider and verified like webhooks; a forged one is rejected", async () => {
  const provider = new LocalPaymentProvider("http://shop.test");
  const signed = await provider.signEvent({ type: "failed", sessionId: "local_cs_1", orderId: "o-1" });
  const event = await provider.parseEvent(signed.payload, signed.signature);
  assert.equal(event?.type, "failed");
  assert.match(event?.id ?? "", /^local_evt_/);
  assert.equal(event?.reason, "Declined on the local pay page");
  const forged = new TextEncoder().encode(JSON.stringify({ ...event, type: "succeeded" }));
  await assert.rejects(
    provider.parseEvent(forged, signed.signature),
    (err) => err instanceof RpcError && err.code === "invalid_argument" && err.field === "signature",
  );
  const stranger = new LocalPaymentProvider("http://shop.test");
  await assert.rejects(stranger.parseEvent(signed.payload, signed.signature), RpcError);
  await assert.rejects(provider.parseEvent(signed.payload, ""), RpcError);
});

Deno.test("a local signature is 64 lower-case hex digits; one digit changed, or upper case, is rejected", async () => {
  const provider = new LocalPaymentProvider("http://shop.test");
  const signed = await provider.signEvent({ type: "succeeded", sessionId: "local_cs_1", orderId: "o-1" });
  assert.match(signed.signature, /^[0-9a-f]{64}$/);
  const last = signed.signature.at(-1)!;
  const changed = signed.signature.slice(0, -1) + (last === "0" ? "1" : "0");
  await assert.rejects(provider.parseEvent(signed.payload, changed), RpcError);
  await assert.rejects(provider.parseEvent(signed.payload, signed.signature.toUpperCase()), RpcError);
  assert.equal((await provider.parseEvent(signed.payload, signed.signature))?.type, "succeeded");
});

Deno.test("local refunds return the same refund id for the same idempotency key", async () => {
  const provider = new LocalPaymentProvider("http://shop.test");
  const a = await provider.refund({ orderId: "o-1", sessionId: "s", idempotencyKey: "refund-o-1" });
  assert.deepEqual(
    await provider.refund({ orderId: "o-1", sessionId: "s", idempotencyKey: "refund-o-1" }),
    a,
  );
  assert.deepEqual(await provider.expire("s"), { expired: true });
});
