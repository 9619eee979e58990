/**
 * Payment reconciliation with the real processes: the payments process talks to the Stripe stand-in with
 * the real stripe SDK, the stand-in delivers webhooks to web's endpoint (or drops or duplicates them on
 * purpose), and the reconciliation job runs every 400 ms.
 */
import assert from "node:assert/strict";
import { EventObserver } from "../services/common/bus/testing.ts";
import { StripeStandIn } from "../services/payments/testing/stripe_stand_in.ts";
import { eventually, startSystem, type System } from "./system.ts";

const WEBHOOK_SECRET = "whsec_reconcile_system";
const PERIOD_MS = 400;

async function placeOrder(sys: System, standIn: StripeStandIn, customer: string) {
  const created = await sys.api(
    "POST",
    `/api/customers/${customer}/orders`,
    [{ ID: "1", Quantity: 1 }],
    await sys.proof(customer),
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const session = [...standIn.sessions.values()].find((s) => s.metadata.order_id === created.body.id);
  assert.ok(session, "its checkout session");
  const status = async () =>
    (await sys.api(
      "GET",
      `/api/customers/${customer}/orders/${created.body.id}`,
      undefined,
      await sys.proof(customer),
    ))
      .body.status as string;
  return { id: created.body.id as string, sessionId: session.id, status };
}

Deno.test("reconciliation: a dropped webhook is paid by the job within its period; duplicated webhooks and many runs pay once; provider errors delay, never lose", async () => {
  const standIn = StripeStandIn.start();
  const sys = await startSystem({
    envFor: {
      payments: {
        STRIPE_SECRET_KEY: "sk_test_reconcile_system",
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: standIn.url,
        PAYMENTS_RECONCILE_INTERVAL_MS: String(PERIOD_MS),
        PAYMENTS_RECONCILE_GRACE_MS: "0",
        LOG_LEVEL: "info",
      },
    },
  });
  standIn.setWebhook(`${sys.url}/api/webhooks/stripe`, WEBHOOK_SECRET);
  const observer = await EventObserver.start(sys.bus.config);
  const eventLists = () => standIn.requests.filter((r) => r.path === "/v1/events").length;
  try {
    // an order left unpaid keeps the job asking Stripe every period (with nothing open it asks nothing)
    const idle = await placeOrder(sys, standIn, "rec-idle");

    // 1. the webhook is dropped: the job pays the order within its period
    const dropped = await placeOrder(sys, standIn, "rec-dropped");
    standIn.deliveries = "drop";
    const paidAt = Date.now();
    const completed = await standIn.complete(dropped.sessionId);
    assert.deepEqual(completed.attempts, [], "no delivery reached web");
    await eventually(async () => (await dropped.status()) === "paid", "the dropped webhook's order paid");
    const recoveredInMs = Date.now() - paidAt;
    assert.ok(
      recoveredInMs < 10 * PERIOD_MS,
      `paid by the job in ${recoveredInMs} ms (period ${PERIOD_MS} ms)`,
    );
    // the job logs its pass when the pass ends, which can be after orders already shows the order paid
    const recoveredLine = () =>
      sys.procs.payments.lines.find((l) => l.includes("recovered payments whose webhook never came"));
    await eventually(() => recoveredLine() !== undefined, "the job's line about the recovered payment");
    const line = recoveredLine();
    // a run that began just before the session completed lists events up to its start, so it misses
    // the event and finds the outcome in the settled sessions instead: both are the job's recovery
    const recoveredBy = [completed.event.id, `reconciled_${dropped.sessionId}_succeeded`];
    assert.ok(
      line?.includes(dropped.id) && recoveredBy.some((id) => line.includes(id)),
      line ?? sys.procs.payments.tail(),
    );

    // 2. the webhook is delivered twice, and the job runs again and again: paid once
    const duplicated = await placeOrder(sys, standIn, "rec-duplicated");
    standIn.deliveries = "duplicate";
    const twice = await standIn.complete(duplicated.sessionId);
    assert.deepEqual(twice.attempts, [200, 200]);
    await eventually(
      async () => (await duplicated.status()) === "paid",
      "the duplicated webhook's order paid",
    );
    const runs = eventLists();
    await eventually(() => eventLists() >= runs + 2, "two more runs of the job");

    // 3. Stripe fails while the job asks: the payment waits, then the next run recovers it
    const failing = await placeOrder(sys, standIn, "rec-failing");
    standIn.failNext(Infinity, "/v1/events");
    standIn.deliveries = "drop";
    await standIn.complete(failing.sessionId);
    const failedFrom = eventLists();
    await eventually(() => eventLists() >= failedFrom + 2, "two runs meet Stripe's errors");
    assert.notEqual(await failing.status(), "paid", "not paid while Stripe fails");
    standIn.clearFailures();
    await eventually(async () => (await failing.status()) === "paid", "paid once Stripe answers again");

    // paid once each: one payment.succeeded, one order.paid, one charge, no refund
    for (const order of [dropped, duplicated, failing]) {
      await eventually(() => observer.of("order.paid", order.id).length >= 1, `order.paid of ${order.id}`);
      assert.equal(
        observer.of("payment.succeeded", order.id).length,
        1,
        `one payment.succeeded for ${order.id}`,
      );
      assert.equal(observer.of("order.paid", order.id).length, 1, `one order.paid for ${order.id}`);
      assert.ok(
        standIn.sessions.get(order.sessionId)!.payment_intent,
        "one charge (payment intent) per session",
      );
    }
    assert.equal(standIn.refunds.size, 0, "nothing refunded");
    assert.notEqual(await idle.status(), "paid", "the unpaid order is left alone");
    assert.equal(observer.of("payment.succeeded", idle.id).length, 0);
  } finally {
    await observer.close();
    await sys.stop();
    await standIn.stop();
  }
});
