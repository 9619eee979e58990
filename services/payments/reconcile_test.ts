import assert from "node:assert/strict";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import { MAX_RETRIEVES_PER_RUN } from "./reconcile.ts";
import { paymentKey, readHandled } from "./store.ts";
import { RECONCILE_SECRET, withReconcile } from "./testing/reconcile_fixture.ts";

Deno.test("a dropped webhook: the run applies the provider's own event, once; a second run and the late webhook change nothing", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(p.sessionId);
    assert.equal(t.deliveries.length, 0, "the webhook never came");

    const first = await t.run();
    assert.deepEqual(first.recovered, [{
      kind: "event",
      orderId: p.orderId,
      sessionId: p.sessionId,
      eventId: paid.event.id,
      outcome: "succeeded",
    }]);
    const after = await t.payment(p.orderId);
    assert.equal(after.status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
    assert.equal(after.paymentRef, t.standIn.sessions.get(p.sessionId)!.payment_intent);
    assert.equal((await readHandled(t.kv, "stripe", paid.event.id)).value?.via, "reconciliation");

    const second = await t.run();
    assert.deepEqual(second.recovered, []);
    assert.equal(second.askedProvider, false, "nothing open any more: the provider is not asked");

    // Stripe retries the webhook later: recognised by its event id
    const { payload, signature } = await t.standIn.signed(paid.event, RECONCILE_SECRET);
    const late = await t.payments.handleProviderEvent("stripe", payload, signature);
    assert.equal(late.firstDelivery, false);
    assert.equal(await t.succeeded(p.orderId), 1, "one payment.succeeded");
  });
});

Deno.test("duplicated webhooks and two runs: paid once", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "duplicate";
    const paid = await t.standIn.complete(p.sessionId);
    assert.deepEqual(t.deliveries, [
      { eventId: paid.event.id, firstDelivery: true },
      { eventId: paid.event.id, firstDelivery: false },
    ]);
    paid.delivered = false; // as if Stripe had not seen the 2xx: the event is listed as undelivered
    for (let i = 0; i < 2; i++) assert.deepEqual((await t.run()).recovered, []);
    assert.equal(await t.succeeded(p.orderId), 1);
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
  });
});

Deno.test("two runs and two webhook deliveries of the same outcome at the same time: exactly one applies it", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(p.sessionId);
    const { payload, signature } = await t.standIn.signed(paid.event, RECONCILE_SECRET);
    const [runA, runB, hookA, hookB] = await Promise.all([
      t.run(),
      t.run(),
      t.payments.handleProviderEvent("stripe", payload, signature),
      t.payments.handleProviderEvent("stripe", payload, signature),
    ]);
    const applied = runA.recovered.length + runB.recovered.length + Number(hookA.changed) +
      Number(hookB.changed);
    assert.equal(applied, 1, "one of the four moved the payment");
    assert.equal(await t.succeeded(p.orderId), 1, "one payment.succeeded");
    assert.equal(t.standIn.sessions.get(p.sessionId)!.payment_intent !== null, true);
    assert.equal(t.standIn.refunds.size, 0, "no money moved back and forth");
  });
});

Deno.test("nothing open: a run does not call the provider", async () => {
  await withReconcile(async (t) => {
    const report = await t.run();
    assert.deepEqual(report, {
      open: 0,
      askedProvider: false,
      recovered: [],
      failed: 0,
      truncated: false,
      deferred: 0,
    });
    assert.equal(t.standIn.requests.filter((r) => r.method === "GET").length, 0);
  });
});

Deno.test("a session complete at Stripe whose event was acknowledged but never applied is recovered from the session, once", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(p.sessionId);
    paid.delivered = true; // Stripe saw a 2xx (e.g. it came before the payment was stored): not listed as undelivered
    const report = await t.run();
    assert.deepEqual(report.recovered.map((r) => [r.kind, r.orderId, r.eventId]), [
      ["session", p.orderId, `reconciled_${p.sessionId}_succeeded`],
    ]);
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
    const { payload, signature } = await t.standIn.signed(paid.event, RECONCILE_SECRET);
    const late = await t.payments.handleProviderEvent("stripe", payload, signature);
    assert.equal(late.changed, false, "the real event, arriving after, moves nothing");
    assert.deepEqual((await t.run()).recovered, []);
    assert.equal(await t.succeeded(p.orderId), 1);
  });
});

Deno.test("an expired session whose webhook was dropped expires the payment", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    const s = t.standIn.sessions.get(p.sessionId)!;
    await fetch(`${t.standIn.url}/v1/checkout/sessions/${s.id}/expire`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_x" },
    }).then((r) => r.body?.cancel());
    const report = await t.run();
    assert.deepEqual(report.recovered.map((r) => [r.kind, r.outcome]), [["event", "expired"]]);
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_EXPIRED);
  });
});

Deno.test("a provider error fails the run without changing anything; the next run recovers", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    await t.standIn.complete(p.sessionId);
    t.standIn.failNext(1, "/v1/events");
    await assert.rejects(t.run(), /unknown error/);
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    t.standIn.failNext(1, "/v1/checkout/sessions"); // the event path alone recovers it: sessions not asked
    assert.equal((await t.run()).recovered.length, 1);
    assert.equal(await t.succeeded(p.orderId), 1);
  });
});

Deno.test("events younger than the grace period are left to their webhook", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    await t.standIn.complete(p.sessionId);
    const report = await t.run({ graceMs: 60_000 });
    assert.deepEqual(report.recovered, []);
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    const later = await t.run({ now: () => new Date(Date.now() + 61_000), graceMs: 60_000 });
    assert.equal(later.recovered.length, 1);
  });
});

Deno.test("a payment that is no longer open leaves the open index, and older stores are indexed once", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    const { listOpenOrderIds, backfillOpenIndex, openKey } = await import("./store.ts");
    assert.deepEqual(await listOpenOrderIds(t.kv), [p.orderId]);
    await t.standIn.complete(p.sessionId); // delivered: the webhook moves it
    assert.deepEqual(await listOpenOrderIds(t.kv), []);
    const q = await t.openPayment();
    await t.kv.delete(openKey(q.orderId)); // as stored before the index existed
    assert.equal(await backfillOpenIndex(t.kv), 1);
    assert.deepEqual(await listOpenOrderIds(t.kv), [q.orderId]);
    assert.equal(await backfillOpenIndex(t.kv), 0, "once per store");
  });
});

Deno.test("checkouts past their expiry are read one by one, oldest first, so no page bound can hide a stuck payment", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(p.sessionId);
    paid.delivered = true; // acknowledged but never applied: the events list will not show it
    const unpaid = await t.openPayment(); // never paid (the stand-in does not expire sessions by itself)
    // an hour later both checkouts are past their expiry
    const report = await t.run({ now: () => new Date(Date.now() + 3600_000), maxPages: 1 });
    assert.deepEqual(report.recovered.map((r) => [r.kind, r.orderId]), [["session", p.orderId]]);
    const gets = t.standIn.requests.filter((r) =>
      r.method === "GET" && r.path.startsWith("/v1/checkout/sessions")
    );
    assert.deepEqual(gets.map((r) => r.path), [
      `/v1/checkout/sessions/${p.sessionId}`,
      `/v1/checkout/sessions/${unpaid.sessionId}`,
    ], "each read by id, oldest first; no list");
    assert.equal((await t.payment(unpaid.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    assert.equal(await t.succeeded(p.orderId), 1);
  });
});

Deno.test("checkouts that stay unresolved past their expiry take turns with the others: each run reads the least recently read first", async () => {
  await withReconcile(async (t) => {
    // 20 checkouts complete but unpaid (an asynchronous payment method): unresolved run after run
    const stuck = [];
    for (let i = 0; i < MAX_RETRIEVES_PER_RUN; i++) {
      const p = await t.openPayment();
      const s = t.standIn.sessions.get(p.sessionId)!;
      s.status = "complete";
      s.payment_status = "unpaid";
      stuck.push(p);
    }
    // a newer one, paid; its event acknowledged but never applied, so only a read of the session shows it
    const newer = await t.openPayment();
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(newer.sessionId);
    paid.delivered = true;
    const at = (ms: number) => () => new Date(Date.now() + ms);
    const retrieved = () =>
      t.standIn.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/checkout/sessions/"))
        .map((r) => r.path.split("/").at(-1));

    const first = await t.run({ now: at(3600_000) });
    assert.deepEqual(first.recovered, []);
    assert.equal(first.deferred, 1, "one left for the next run");
    assert.deepEqual(retrieved(), stuck.map((p) => p.sessionId), "never read ones, oldest first");

    const second = await t.run({ now: at(3660_000) });
    assert.deepEqual(second.recovered.map((r) => [r.kind, r.orderId]), [["session", newer.orderId]]);
    assert.equal(retrieved()[MAX_RETRIEVES_PER_RUN], newer.sessionId, "the one not read yet comes first");
    assert.equal(second.deferred, 1, "the 21st least recently read waits again");
    assert.equal(await t.succeeded(newer.orderId), 1);
    for (const p of stuck) {
      assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    }
  });
});

Deno.test("a session settled within the grace period is left to its webhook; once the grace period is over the session recovers it", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    // the checkout was made ten minutes ago and is paid only now
    await t.kv.set(paymentKey(p.orderId), { ...p, createdAt: new Date(Date.now() - 600_000) });
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(p.sessionId);
    paid.delivered = true; // not among the undelivered events: only the sessions list shows it
    const report = await t.run({ graceMs: 60_000 });
    assert.equal(report.open, 1, "the payment is older than the grace period");
    assert.deepEqual(report.recovered, [], "its session settled within it: left to the webhook");
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
    const later = await t.run({ now: () => new Date(Date.now() + 61_000), graceMs: 60_000 });
    assert.deepEqual(later.recovered.map((r) => [r.kind, r.orderId]), [["session", p.orderId]]);
    assert.equal(await t.succeeded(p.orderId), 1);
  });
});
