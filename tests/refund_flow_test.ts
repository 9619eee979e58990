/**
 * Partial and full refunds across real processes on the real RabbitMQ: staff refund part of a paid
 * order with a reason (the timeline names them), then the rest of it while the kitchen prepares it
 * (the order becomes refunded and `order.refunded` goes out, which the kitchen follows). The provider
 * port is called once per refund: with the real `stripe` SDK against the Stripe stand-in (counted at
 * the stand-in), and with the local provider. A duplicate `payment.refunded` delivery changes nothing.
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { EventObserver, publishRaw } from "../services/common/bus/testing.ts";
import { TEST_STAFF } from "../services/common/auth/testing.ts";
import { OrderStatus, PaymentState } from "../services/common/gen/oms/orders/v1/orders.ts";
import { TicketStatus } from "../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { StripeStandIn } from "../services/payments/testing/stripe_stand_in.ts";
import { eventually, startSystem, type System } from "./system.ts";

const WEBHOOK_SECRET = "whsec_refund_flow";

/** Places an order of three Margheritas for `customer`; its id and total. */
async function place(sys: System, customer: string) {
  const created = await sys.api(
    "POST",
    `/api/customers/${customer}/orders`,
    { items: [{ id: "1", quantity: 3 }], details: { name: "Ada", phone: "+49 30 1234567" } },
    await sys.proof(customer),
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string; paymentLink: string; total: { amount: number; currency: string } };
}

const staffOrder = async (sys: System, id: string) =>
  (await rpc(sys.orders, "getOrder", { orderId: id, customerId: "", admin: true })).order!;

/** Starts the kitchen's ticket so the order is preparing. */
async function prepare(sys: System, id: string) {
  await eventually(
    async () => (await rpc(sys.kitchen, "getTicket", { orderId: id }).catch(() => undefined))?.ticket,
    "ticket opened",
  );
  await rpc(sys.kitchen, "startTicket", { orderId: id });
  await eventually(
    async () => (await staffOrder(sys, id)).status === OrderStatus.ORDER_STATUS_PREPARING,
    "order preparing",
  );
}

/**
 * The partial refund, then the full one of the preparing order, then a duplicate payment.refunded:
 * what every provider must show. Returns the refunds as orders recorded them.
 */
async function refundPartThenRest(sys: System, observer: EventObserver, id: string, total: number) {
  const part = (await rpc(sys.orders, "refundOrder", {
    orderId: id,
    reason: "Cold pizza",
    amount: { amount: 300, currency: "EUR" },
  })).order!;
  assert.equal(part.status, OrderStatus.ORDER_STATUS_PREPARING, "a partial refund keeps the status");
  assert.equal(part.paymentState, PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
  const entry = part.timeline.at(-1)!;
  assert.equal(entry.actor, TEST_STAFF.sub, "the timeline names the staff member");
  assert.equal(entry.cause, "€3.00 refunded: Cold pizza");

  const full = (await rpc(sys.orders, "refundOrder", { orderId: id, reason: "Oven broke down" })).order!;
  assert.equal(
    full.status,
    OrderStatus.ORDER_STATUS_REFUNDED,
    "the rest refunds the preparing order in full",
  );
  assert.equal(full.paymentState, PaymentState.PAYMENT_STATE_REFUNDED);
  assert.deepEqual(full.refunded, { amount: total, currency: "EUR" });
  assert.deepEqual(full.refunds.map((r) => [r.amount?.amount, r.reason, r.by]), [
    [300, "Cold pizza", TEST_STAFF.sub],
    [total - 300, "Oven broke down", TEST_STAFF.sub],
  ]);
  assert.ok(full.refunds.every((r) => r.providerRefundId !== ""));

  await observer.waitFor(
    (e) => e.filter((x) => x.routingKey === "payment.refunded" && x.body.orderId === id).length === 2,
    "two payment.refunded",
  );
  await observer.waitFor(
    (e) => e.some((x) => x.routingKey === "order.refunded" && x.body.orderId === id),
    "order.refunded",
  );
  const refunded = observer.of("payment.refunded", id);
  assert.deepEqual(refunded.map((e) => [e.body.full, (e.body.amount as { amount: number }).amount]), [
    [false, 300],
    [true, total - 300],
  ]);
  assert.deepEqual(refunded.map((e) => e.body.requestId), full.refunds.map((r) => r.id));
  assert.equal(observer.of("order.refunded", id)[0]!.body.reason, "Oven broke down");
  // the kitchen follows order.refunded: the ticket it was preparing is cancelled
  await eventually(
    async () =>
      (await rpc(sys.kitchen, "getTicket", { orderId: id })).ticket?.status ===
        TicketStatus.TICKET_STATUS_CANCELLED,
    "the refunded order's ticket cancelled",
  );

  // payments' own facts arrive at orders after its answers did (ignored), and once more as a
  // duplicate delivery under a new message id: nothing changes
  await publishRaw(sys.bus.config, "payment.refunded", JSON.stringify(refunded[0]!.body), {
    messageId: crypto.randomUUID(),
  });
  await new Promise((r) => setTimeout(r, 500));
  const after = await staffOrder(sys, id);
  assert.equal(after.refunds.length, 2);
  assert.equal(after.timeline.filter((t) => t.cause.includes("refunded")).length, 2);
  assert.equal(observer.of("order.refunded", id).length, 1, "one order.refunded");
  assert.equal(observer.of("payment.refunded", id).length, 3, "the duplicate was delivered");
  return full.refunds;
}

Deno.test("Stripe: a partial refund with a reason, then the rest of a preparing order: one Stripe refund each, the order refunded, order.refunded once", async () => {
  const standIn = StripeStandIn.start();
  const sys = await startSystem({
    envFor: {
      payments: {
        STRIPE_SECRET_KEY: "sk_test_refunds",
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: standIn.url,
      },
    },
  });
  const observer = await EventObserver.start(sys.bus.config);
  try {
    const order = await place(sys, "refund-stripe");
    const [sessionId] = [...standIn.sessions.keys()];
    const pi = standIn.pay(sessionId!).payment_intent!;
    const { payload, signature } = await standIn.signed(
      standIn.event("checkout.session.completed", sessionId!),
      WEBHOOK_SECRET,
    );
    const hook = await fetch(`${sys.url}/api/webhooks/stripe`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body: new Uint8Array(payload),
    });
    assert.equal(hook.status, 200, await hook.text());
    await prepare(sys, order.id);

    const refunds = await refundPartThenRest(sys, observer, order.id, order.total.amount);
    assert.equal(standIn.refundCreations.length, 2, "the provider port was called once per refund");
    assert.deepEqual(standIn.refundCreations.map((r) => r.idempotencyKey), refunds.map((r) => r.id));
    assert.deepEqual(standIn.refundsOf(pi).map((r) => r.amount), [300, order.total.amount - 300]);
    assert.deepEqual(standIn.refundsOf(pi).map((r) => r.id), refunds.map((r) => r.providerRefundId));
    assert.equal(standIn.refundsOf(pi)[0]!.metadata.reason, "Cold pizza");
  } finally {
    await observer.close();
    await sys.stop();
    await standIn.stop();
  }
});

Deno.test("local provider: a partial refund with a reason, then the rest of a preparing order: one payment.refunded each, the order refunded", async () => {
  const sys = await startSystem();
  const observer = await EventObserver.start(sys.bus.config);
  try {
    const order = await place(sys, "refund-local");
    const session = order.paymentLink.match(/\/pay\/([^/?#]+)/)![1]!;
    const paid = await sys.api("POST", `/api/payments/local/${session}`, { outcome: "pay" });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await prepare(sys, order.id);
    const refunds = await refundPartThenRest(sys, observer, order.id, order.total.amount);
    assert.equal(new Set(refunds.map((r) => r.providerRefundId)).size, 2, "two local refunds");
    assert.ok(refunds.every((r) => r.providerRefundId.startsWith("local_re_")));
  } finally {
    await observer.close();
    await sys.stop();
  }
});
