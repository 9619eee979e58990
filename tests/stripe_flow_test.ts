/**
 * The happy path with Stripe: the real stripe SDK in the payments process talks to a Checkout Sessions
 * stand-in; the webhook is signed with the SDK's own helper and delivered through the gateway, twice.
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { EventObserver } from "../services/common/bus/testing.ts";
import { StripeStandIn } from "../services/payments/testing/stripe_stand_in.ts";
import { eventually, startSystem } from "./system.ts";

const WEBHOOK_SECRET = "whsec_system_test";

Deno.test("Stripe checkout end to end: link, signed webhook delivered twice, paid once, ticket, ready, completed, stock sold once", async () => {
  const standIn = StripeStandIn.start();
  const sys = await startSystem({
    envFor: {
      payments: {
        STRIPE_SECRET_KEY: "sk_test_system",
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: standIn.url,
      },
    },
  });
  const observer = await EventObserver.start(sys.bus.config);
  try {
    const before = (await rpc(sys.stock, "getItem", { id: "2" })).item!;
    const created = await sys.api(
      "POST",
      "/api/customers/stripe-1/orders",
      [{ ID: "2", Quantity: 3 }],
      await sys.proof("stripe-1"),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const order = created.body;
    assert.equal(
      standIn.sessions.size,
      1,
      "one checkout session (a concurrent request with the same idempotency key gets the same one)",
    );
    const [sessionId, session] = [...standIn.sessions.entries()][0]!;
    assert.equal(order.paymentLink, session.url);
    const form = standIn.sessionCreations[0]!.params as Record<string, unknown>;
    assert.deepEqual((form.metadata as Record<string, string>).order_id, order.id);
    assert.equal(form.mode, "payment");

    standIn.pay(sessionId);
    const { payload, signature } = await standIn.signed(
      standIn.event("checkout.session.completed", sessionId, "evt_system_1"),
      WEBHOOK_SECRET,
    );
    const deliver = () =>
      fetch(`${sys.url}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body: new Uint8Array(payload),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const [first, second] = [await deliver(), await deliver()];
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(first.body.firstDelivery, true);
    assert.equal(second.body.firstDelivery, false);

    const get = async () =>
      (await sys.api(
        "GET",
        `/api/customers/stripe-1/orders/${order.id}`,
        undefined,
        await sys.proof(`stripe-1`),
      )).body;
    await eventually(async () => (await get()).status === "paid", "order paid");
    await eventually(
      async () => (await rpc(sys.kitchen, "getTicket", { orderId: order.id }).catch(() => undefined))?.ticket,
      "ticket opened",
    );
    await rpc(sys.kitchen, "startTicket", { orderId: order.id });
    await eventually(async () => (await get()).status === "preparing", "preparing");
    await rpc(sys.kitchen, "completeTicket", { orderId: order.id });
    await eventually(async () => (await get()).status === "ready", "ready");
    await rpc(sys.orders, "advanceOrder", { orderId: order.id });
    assert.equal((await get()).status, "completed");

    assert.equal(observer.of("payment.succeeded", order.id).length, 1, "one payment event");
    assert.equal(observer.of("order.paid", order.id).length, 1, "one order.paid");
    const tickets = (await rpc(sys.kitchen, "listTickets", { status: 0 })).tickets.filter((t) =>
      t.orderId === order.id
    );
    assert.equal(tickets.length, 1, "one ticket");
    const after = (await rpc(sys.stock, "getItem", { id: "2" })).item!;
    assert.equal(after.sold, before.sold + 3);
    assert.equal(after.available, before.available - 3);
    assert.equal(after.reserved, before.reserved);
    assert.equal(standIn.sessions.size, 1, "still one checkout session");
  } finally {
    await observer.close();
    await sys.stop();
    await standIn.stop();
  }
});
