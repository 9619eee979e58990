import assert from "node:assert/strict";
import { StripeStandIn } from "../testing/stripe_stand_in.ts";
import type { CheckoutRequest } from "./provider.ts";
import { StripePaymentProvider } from "./stripe.ts";
import { OUTCOME_EVENT_TYPES } from "./stripe_lists.ts";

const SECRET = "whsec_lists_test";

function setup() {
  const standIn = StripeStandIn.start();
  const provider = new StripePaymentProvider({
    secretKey: "sk_test_lists",
    webhookSecret: SECRET,
    apiUrl: standIn.url,
  });
  return { standIn, provider };
}

const request = (orderId: string): CheckoutRequest => ({
  orderId,
  customerId: "c-1",
  items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
  total: { amount: 900, currency: "EUR" },
  idempotencyKey: `checkout-${orderId}`,
  successUrl: "http://shop.test/ok",
  cancelUrl: "http://shop.test/cancel",
  expiresAt: new Date(Date.now() + 31 * 60_000),
});

const window = (maxPages = 10) => ({
  from: new Date(Date.now() - 60_000),
  until: new Date(Date.now() + 60_000),
  maxPages,
});

/** Seeds `n` complete, paid sessions straight into the stand-in (faster than n API calls). */
async function seedPaid(
  standIn: StripeStandIn,
  provider: StripePaymentProvider,
  n: number,
): Promise<string[]> {
  const first = await provider.createCheckout(request("o-seed"));
  const template = standIn.sessions.get(first.sessionId)!;
  standIn.sessions.delete(first.sessionId);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `cs_test_seed_${String(i).padStart(4, "0")}`;
    standIn.sessions.set(id, { ...template, id, metadata: { order_id: `o-${i}` } });
    standIn.pay(id);
    ids.push(id);
  }
  return ids;
}

Deno.test("listSettledSessions reads every page of complete and expired sessions (status and created sent), oldest first, skipping open ones", async () => {
  const { standIn, provider } = setup();
  try {
    const paid = await seedPaid(standIn, provider, 230);
    const open = await provider.createCheckout(request("o-open"));
    const gone = await provider.createCheckout(request("o-gone"));
    await provider.expire(gone.sessionId);
    const asked = window();
    const listed = await provider.listSettledSessions(asked);
    assert.equal(listed.truncated, false);
    assert.deepEqual(listed.items.map((s) => s.sessionId), [...paid, gone.sessionId]);
    assert.ok(!listed.items.some((s) => s.sessionId === open.sessionId));
    assert.deepEqual(listed.items[0], {
      sessionId: paid[0],
      orderId: "o-0",
      outcome: "succeeded",
      paymentRef: standIn.sessions.get(paid[0]!)!.payment_intent,
    });
    assert.equal(listed.items.at(-1)!.outcome, "expired");
    const lists = standIn.requests.filter((r) => r.method === "GET" && r.path === "/v1/checkout/sessions");
    assert.equal(lists.length, 3 + 1, "three pages of complete sessions (100, 100, 30), one of expired");
    assert.equal(lists[0]!.params.status, "complete");
    assert.equal(lists[0]!.params.limit, "100");
    assert.deepEqual(lists[0]!.params.created, { gte: String(Math.floor(asked.from.getTime() / 1000)) });
    assert.equal(
      lists[1]!.params.starting_after,
      paid[130],
      "the next page starts after the last one seen",
    );
    assert.equal(lists[3]!.params.status, "expired");
  } finally {
    await standIn.stop();
  }
});

Deno.test("listSettledSessions stops at maxPages and says the list was cut", async () => {
  const { standIn, provider } = setup();
  try {
    const paid = await seedPaid(standIn, provider, 150);
    const listed = await provider.listSettledSessions(window(1));
    assert.equal(listed.truncated, true);
    assert.deepEqual(listed.items.map((s) => s.sessionId), paid.slice(50), "the newest page, oldest first");
  } finally {
    await standIn.stop();
  }
});

Deno.test("listUndeliveredEvents asks for the outcome types, the window and delivery_success=false, and maps them as webhooks", async () => {
  const { standIn, provider } = setup();
  try {
    const received: string[] = [];
    const endpoint = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      received.push(JSON.parse(await req.text()).id);
      return Response.json({ received: true });
    });
    standIn.setWebhook(`http://127.0.0.1:${endpoint.addr.port}/`, SECRET);
    const a = await provider.createCheckout(request("o-a"));
    const b = await provider.createCheckout(request("o-b"));
    const c = await provider.createCheckout(request("o-c"));
    standIn.deliveries = "drop";
    const paidA = await standIn.complete(a.sessionId);
    standIn.deliveries = "deliver";
    const paidB = await standIn.complete(b.sessionId);
    standIn.deliveries = "drop";
    await provider.expire(c.sessionId);
    await standIn.settled();
    await endpoint.shutdown();
    assert.deepEqual(received, [paidB.event.id], "only b's event reached the endpoint");
    const listed = await provider.listUndeliveredEvents(window());
    assert.equal(listed.truncated, false);
    assert.deepEqual(listed.items, [
      {
        id: paidA.event.id,
        type: "succeeded",
        sessionId: a.sessionId,
        orderId: "o-a",
        paymentRef: standIn.sessions.get(a.sessionId)!.payment_intent!,
      },
      {
        id: standIn.eventsOf(c.sessionId)[0]!.event.id,
        type: "expired",
        sessionId: c.sessionId,
        orderId: "o-c",
      },
    ]);
    assert.ok(!listed.items.some((e) => e.id === paidB.event.id), "a delivered event is not listed");
    const [sent] = standIn.requests.filter((r) => r.path === "/v1/events");
    assert.deepEqual(sent!.params.types, [...OUTCOME_EVENT_TYPES]);
    assert.equal(sent!.params.delivery_success, "false");
    assert.deepEqual(Object.keys(sent!.params.created as object).sort(), ["gte", "lte"]);
  } finally {
    await standIn.stop();
  }
});

Deno.test("a provider error while listing is thrown (the job logs it and tries next period)", async () => {
  const { standIn, provider } = setup();
  try {
    standIn.failNext(1, "/v1/events");
    await assert.rejects(provider.listUndeliveredEvents(window()), /unknown error/);
    assert.deepEqual((await provider.listUndeliveredEvents(window())).items, [], "the next call works");
  } finally {
    await standIn.stop();
  }
});
