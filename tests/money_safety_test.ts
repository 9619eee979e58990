/**
 * Money and stock safety across the real processes: a reservation no order ever confirmed is released
 * by stock's sweeper while a real order's is kept; a cancelled order's local checkout cannot be paid;
 * and a Stripe checkout completed for an order already cancelled is refunded exactly once, with the
 * order staying cancelled and noting it, nothing parked anywhere.
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { PaymentStatus } from "../services/common/gen/oms/payments/v1/payments.ts";
import { ReservationStatus } from "../services/common/gen/oms/stock/v1/stock.ts";
import { OrderStatus } from "../services/common/gen/oms/orders/v1/orders.ts";
import { PAID_AFTER_CANCEL, REFUNDED_AFTER_CANCEL } from "../services/orders/domain/note.ts";
import { StripeStandIn } from "../services/payments/testing/stripe_stand_in.ts";
import { eventually, startSystem, type System } from "./system.ts";

const WEBHOOK_SECRET = "whsec_money_safety";
const TTL_MS = 1500;

async function noDeadLetters(sys: System): Promise<void> {
  for (const service of ["orders", "stock", "payments", "kitchen"] as const) {
    const { deadLetters } = await rpc(sys.deadLetters(service), "listDeadLetters", { limit: 10 });
    assert.deepEqual(deadLetters.map((d) => `${d.routingKey}: ${d.reason}`), [], `${service} parked nothing`);
  }
}

async function reservationStatus(sys: System, orderId: string): Promise<ReservationStatus | undefined> {
  return (await rpc(sys.stock, "getReservation", { orderId })).reservation?.status;
}

function sessionOf(paymentLink: string): string {
  const session = paymentLink.match(/\/pay\/([^/?#]+)/)?.[1];
  assert.ok(session, `payment link ${paymentLink} names a session`);
  return session;
}

Deno.test("a reservation no order confirms is released after the TTL; a placed order's is kept and sold; a cancelled order's local checkout cannot be paid", async () => {
  const sys = await startSystem({
    envFor: { stock: { STOCK_RESERVATION_TTL_MS: String(TTL_MS), STOCK_SWEEP_INTERVAL_MS: "100" } },
  });
  try {
    const before = (await rpc(sys.stock, "getItem", { id: "5" })).item!;
    // orders reserved, then died before storing the order: nothing will ever confirm this one
    const leaked = crypto.randomUUID();
    await rpc(sys.stock, "reserveItems", { orderId: leaked, items: [{ itemId: "5", quantity: 2 }] });
    const created = await sys.api("POST", "/api/customers/safe-1/orders", {
      items: [{ id: "5", quantity: 1 }],
    }, await sys.proof("safe-1"));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const order = created.body;

    await eventually(
      async () => (await reservationStatus(sys, leaked)) === ReservationStatus.RESERVATION_STATUS_RELEASED,
      "the leaked reservation released",
      3 * TTL_MS + 10_000,
    );
    await new Promise((r) => setTimeout(r, TTL_MS)); // well past the placed order's TTL too
    assert.equal(await reservationStatus(sys, order.id), ReservationStatus.RESERVATION_STATUS_RESERVED);
    const held = (await rpc(sys.stock, "getItem", { id: "5" })).item!;
    assert.deepEqual([held.available, held.reserved], [before.available - 1, before.reserved + 1]);

    const paid = await sys.api("POST", `/api/payments/local/${sessionOf(order.paymentLink)}`, {
      outcome: "pay",
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await eventually(
      async () => (await reservationStatus(sys, order.id)) === ReservationStatus.RESERVATION_STATUS_SOLD,
      "the paid order's reservation sold",
    );

    // the local pay page refuses to take money for a cancelled order
    const other = await sys.api("POST", "/api/customers/safe-2/orders", {
      items: [{ id: "5", quantity: 1 }],
    }, await sys.proof("safe-2"));
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const cancel = await sys.api(
      "POST",
      `/api/customers/safe-2/orders/${other.body.id}/cancel`,
      undefined,
      await sys.proof(`safe-2`),
    );
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    await eventually(
      async () =>
        (await rpc(sys.payments, "getPayment", { orderId: other.body.id })).payment?.status ===
          PaymentStatus.PAYMENT_STATUS_EXPIRED,
      "payments heard order.cancelled",
    );
    const refused = await sys.api("POST", `/api/payments/local/${sessionOf(other.body.paymentLink)}`, {
      outcome: "pay",
    });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /was cancelled; it can no longer be paid/);
    const payment = (await rpc(sys.payments, "getPayment", { orderId: other.body.id })).payment!;
    assert.equal(payment.status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
    await eventually(
      async () =>
        (await reservationStatus(sys, other.body.id)) === ReservationStatus.RESERVATION_STATUS_RELEASED,
      "the cancelled order's reservation released",
    );
    const after = (await rpc(sys.stock, "getItem", { id: "5" })).item!;
    assert.deepEqual(
      [after.available, after.reserved, after.sold],
      [before.available - 1, before.reserved, before.sold + 1],
      "only the paid order's unit left the shelf",
    );
    await noDeadLetters(sys);
  } finally {
    await sys.stop();
  }
});

Deno.test("a Stripe checkout completed for an order already cancelled is refunded once; the order stays cancelled with the note", async () => {
  const standIn = StripeStandIn.start();
  const sys = await startSystem({
    envFor: {
      payments: {
        STRIPE_SECRET_KEY: "sk_test_money",
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: standIn.url,
      },
    },
  });
  try {
    const created = await sys.api(
      "POST",
      "/api/customers/late-payer/orders",
      [{ ID: "3", Quantity: 1 }],
      await sys.proof("late-payer"),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const order = created.body;
    const [sessionId] = [...standIn.sessions.keys()];
    assert.ok(sessionId);
    standIn.pay(sessionId); // the customer pays at Stripe ...
    const cancel = await sys.api(
      "POST",
      `/api/customers/late-payer/orders/${order.id}/cancel`,
      undefined,
      await sys.proof(`late-payer`),
    ); // ... as the order is cancelled
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));

    const { payload, signature } = await standIn.signed(
      standIn.event("checkout.session.completed", sessionId, "evt_money_1"),
      WEBHOOK_SECRET,
    );
    const deliver = () =>
      fetch(`${sys.url}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body: new Uint8Array(payload),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    assert.equal((await deliver()).status, 200);
    assert.equal((await deliver()).status, 200, "a redelivery is harmless");

    await eventually(
      async () =>
        (await rpc(sys.payments, "getPayment", { orderId: order.id })).payment?.status ===
          PaymentStatus.PAYMENT_STATUS_REFUNDED,
      "payment refunded",
    );
    const timeline = await eventually(async () => {
      const o = (await rpc(sys.orders, "getOrder", { orderId: order.id, customerId: "", admin: true }))
        .order!;
      const causes = o.timeline.map((t) => t.cause);
      return causes.includes(PAID_AFTER_CANCEL) && causes.includes(REFUNDED_AFTER_CANCEL) ? o : undefined;
    }, "the order notes the late payment and its refund");
    assert.equal(timeline.status, OrderStatus.ORDER_STATUS_CANCELLED);
    assert.ok(timeline.timeline.every((t) => t.status !== OrderStatus.ORDER_STATUS_PAID), "never paid");
    assert.equal(standIn.refunds.size, 1, "exactly one refund at Stripe");
    const refund = [...standIn.refunds.values()][0]!;
    assert.equal(refund.payment_intent, standIn.sessions.get(sessionId)!.payment_intent);
    assert.equal(refund.amount, standIn.sessions.get(sessionId)!.amount_total);
    const refunds = standIn.requests.filter((r) => r.path === "/v1/refunds");
    assert.ok(
      refunds.every((r) => r.idempotencyKey === `refund-${order.id}`),
      "one idempotency key per order",
    );
    await eventually(
      async () => (await reservationStatus(sys, order.id)) === ReservationStatus.RESERVATION_STATUS_RELEASED,
      "its stock released",
    );
    const tickets = (await rpc(sys.kitchen, "listTickets", { status: 0 })).tickets;
    assert.ok(!tickets.some((t) => t.orderId === order.id), "no ticket for a cancelled order");
    await noDeadLetters(sys);
  } finally {
    await sys.stop();
    await standIn.stop();
  }
});
