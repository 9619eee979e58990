import assert from "node:assert/strict";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import type { LogFields, Logger } from "../common/log.ts";
import { recoveredLogFields, startReconcileJob, takeLease } from "./reconcile_job.ts";
import { recoveredTotals, useRecoveredCounter } from "./reconcile_metrics.ts";
import { withReconcile } from "./testing/reconcile_fixture.ts";
import type { StandInEvent } from "./testing/stripe_stand_in.ts";

const settings = { intervalMs: 60_000, windowMs: 24 * 3600_000, graceMs: 0 };

/** A logger whose lines the test can read. */
function capturingLog(): { log: Logger; lines: { level: string; msg: string; fields: LogFields }[] } {
  const lines: { level: string; msg: string; fields: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) =>
    void lines.push({ level, msg, fields });
  return { log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

Deno.test("the job pays a dropped webhook's order within its period, logs what it recovered and counts it", async () => {
  await withReconcile(async (t) => {
    const { log, lines } = capturingLog();
    const counted: { value: number; kind: string }[] = [];
    useRecoveredCounter({ add: (value, { kind }) => void counted.push({ value, kind }) });
    const before = recoveredTotals().event;
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    const paid = await t.standIn.complete(p.sessionId);
    const job = startReconcileJob({ ...t.deps, log }, { ...settings, intervalMs: 50 });
    try {
      const deadline = Date.now() + 5_000;
      while ((await t.payment(p.orderId)).status === PaymentStatus.PAYMENT_STATUS_OPEN) {
        assert.ok(Date.now() < deadline, "paid within a few periods");
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await job.stop();
      useRecoveredCounter(undefined);
    }
    const info = lines.filter((l) => l.level === "info" && /recovered/.test(l.msg));
    assert.equal(info.length, 1, "one line, for the one run that recovered something");
    assert.deepEqual(info[0]!.fields, {
      recovered: 1,
      byEvent: 1,
      bySession: 0,
      orderIds: [p.orderId],
      eventIds: [paid.event.id],
      outcomes: ["succeeded"],
      open: 1,
    });
    assert.deepEqual(counted, [{ value: 1, kind: "event" }]);
    assert.equal(recoveredTotals().event, before + 1);
    assert.equal(await t.succeeded(p.orderId), 1);
  });
});

Deno.test("one run at a time: runNow during a run joins it", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    await t.standIn.complete(p.sessionId);
    const job = startReconcileJob(t.deps, settings);
    try {
      const [a, b] = [job.runNow(), job.runNow()];
      assert.equal(a, b, "the same run");
      assert.equal((await a)!.recovered.length, 1);
      assert.equal(t.standIn.requests.filter((r) => r.path === "/v1/events").length, 1);
    } finally {
      await job.stop();
    }
  });
});

Deno.test("a provider error is logged and the next period recovers", async () => {
  await withReconcile(async (t) => {
    const { log, lines } = capturingLog();
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    await t.standIn.complete(p.sessionId);
    t.standIn.failNext(Infinity, "/v1/events");
    const job = startReconcileJob({ ...t.deps, log }, { ...settings, intervalMs: 40 });
    try {
      const deadline = Date.now() + 5_000;
      while (!lines.some((l) => l.level === "warn" && /failed/.test(l.msg))) {
        assert.ok(Date.now() < deadline, "the failure is logged");
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
      t.standIn.clearFailures();
      while ((await t.payment(p.orderId)).status === PaymentStatus.PAYMENT_STATUS_OPEN) {
        assert.ok(Date.now() < deadline, "recovered by a later period");
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await job.stop();
    }
    assert.equal(await t.succeeded(p.orderId), 1);
  });
});

Deno.test("stop waits for the run in progress and no run starts after it", async () => {
  await withReconcile(async (t) => {
    await t.openPayment();
    const job = startReconcileJob(t.deps, { ...settings, intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    await job.stop();
    const calls = t.standIn.requests.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(t.standIn.requests.length, calls, "no provider call after stop");
    assert.equal(await job.runNow(), undefined);
  });
});

Deno.test("replicas sharing a store take turns through the lease", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.equal(await takeLease(kv, "a", 1_000, 0), true);
    assert.equal(await takeLease(kv, "b", 1_000, 500), false, "a's turn lasts");
    assert.equal(await takeLease(kv, "a", 1_000, 600), true, "a renews");
    assert.equal(await takeLease(kv, "b", 1_000, 1_700), true, "a stopped renewing: b takes over");
  } finally {
    kv.close();
  }
});

Deno.test("the recovered log line names counts by kind and the ids", () => {
  const fields = recoveredLogFields({
    open: 3,
    askedProvider: true,
    failed: 0,
    truncated: false,
    deferred: 0,
    recovered: [
      { kind: "event", orderId: "o-1", sessionId: "cs_1", eventId: "evt_1", outcome: "succeeded" },
      {
        kind: "session",
        orderId: "o-2",
        sessionId: "cs_2",
        eventId: "reconciled_cs_2_expired",
        outcome: "expired",
      },
    ],
  });
  assert.deepEqual(fields, {
    recovered: 2,
    byEvent: 1,
    bySession: 1,
    orderIds: ["o-1", "o-2"],
    eventIds: ["evt_1", "reconciled_cs_2_expired"],
    outcomes: ["succeeded", "expired"],
    open: 3,
  });
});

Deno.test("the trigger signal runs the job at once", async () => {
  await withReconcile(async (t) => {
    const p = await t.openPayment();
    t.standIn.deliveries = "drop";
    await t.standIn.complete(p.sessionId);
    const job = startReconcileJob(t.deps, settings, t.deps.log, "SIGUSR1"); // a period of a minute
    try {
      Deno.kill(Deno.pid, "SIGUSR1");
      const deadline = Date.now() + 5_000;
      while ((await t.payment(p.orderId)).status === PaymentStatus.PAYMENT_STATUS_OPEN) {
        assert.ok(Date.now() < deadline, "paid at once, long before the period");
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await job.stop();
    }
  });
});

Deno.test("a run that left checkouts past their expiry for later says so, and a truncated listing's log does not promise the older pages", async () => {
  await withReconcile(async (t) => {
    const { log, lines } = capturingLog();
    for (let i = 0; i < 21; i++) await t.openPayment();
    const job = startReconcileJob(
      { ...t.deps, log, now: () => new Date(Date.now() + 3600_000) },
      settings,
    );
    try {
      const report = await job.runNow();
      assert.equal(report?.deferred, 1);
    } finally {
      await job.stop();
    }
    const line = lines.find((l) => /the others are read by the next runs/.test(l.msg));
    assert.deepEqual(line?.fields, { read: 20, deferred: 1, open: 21 });
    assert.ok(!lines.some((l) => /older ones next run/.test(l.msg)));
  });
});

Deno.test("stopping the job during a listing stops it between pages and logs no failure", async () => {
  await withReconcile(async (t) => {
    const { log, lines } = capturingLog();
    const p = await t.openPayment();
    // two pages of undelivered outcome events (about the one session; the run would not get that far)
    for (let i = 0; i < 150; i++) {
      const event = structuredClone(t.standIn.event("checkout.session.expired", p.sessionId));
      t.standIn.events.push({ event: event as StandInEvent["event"], delivered: false, attempts: [] });
    }
    const job = startReconcileJob({ ...t.deps, log }, settings);
    // the shutdown comes while the first page is being answered
    let stopping: Promise<void> | undefined;
    const requests = t.standIn.requests;
    const push = requests.push.bind(requests);
    requests.push = (...items) => {
      if (items.some((r) => r.path === "/v1/events")) stopping ??= Promise.resolve(job.stop());
      return push(...items);
    };
    assert.equal(await job.runNow(), undefined);
    await stopping;
    assert.equal(requests.filter((r) => r.path === "/v1/events").length, 1, "no second page asked");
    assert.ok(!lines.some((l) => l.level === "warn"), JSON.stringify(lines));
    assert.ok(lines.some((l) => /stopped by the shutdown/.test(l.msg)));
    assert.equal((await t.payment(p.orderId)).status, PaymentStatus.PAYMENT_STATUS_OPEN);
  });
});
