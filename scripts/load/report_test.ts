import assert from "node:assert/strict";
import type { CheckResult } from "./check.ts";
import { buildReport, formatReport, table } from "./report.ts";
import { RunStats } from "./stats.ts";

const okCheck: CheckResult = {
  checked: 3,
  byState: { cancelled: 1, ready: 2 },
  problems: [],
  untracked: [],
  ok: true,
};
const run = {
  target: "http://127.0.0.1:8080",
  startedAt: new Date("2026-01-02T03:04:05Z"),
  durationMs: 10_000,
  concurrency: 8,
  follow: "stream" as const,
};

function sampleStats(): RunStats {
  const stats = new RunStats();
  stats.ordersPlaced = 3;
  stats.intents.pay = 2;
  stats.intents.cancel = 1;
  stats.outOfStock = 4;
  stats.soldOut = 5;
  for (const v of [10, 20, 30, 40]) stats.steps.browse.record(v);
  stats.steps.checkout.record(55.55);
  stats.error("pay: timeout", "no answer within 10000 ms");
  stats.error("checkout: HTTP 503 unavailable", "The orders service is unavailable");
  stats.error("checkout: HTTP 503 unavailable");
  return stats;
}

Deno.test("the report gives orders/s over the run, per-step percentiles, errors most frequent first and exit 0 when the check passed", () => {
  const r = buildReport(sampleStats(), okCheck, run);
  assert.equal(r.durationS, 10);
  assert.deepEqual(r.orders, {
    placed: 3,
    perSecond: 0.3,
    paid: 2,
    cancelled: 1,
    declined: 0,
    expired: 0,
    untilShortage: null,
  });
  assert.deepEqual(r.expected, { outOfStock: 4, soldOut: 5 });
  assert.deepEqual(r.latencyMs.browse, { count: 4, min: 10, mean: 25, p50: 20, p95: 40, p99: 40, max: 40 });
  assert.equal(r.latencyMs.checkout.p99, 55.6);
  assert.equal(r.latencyMs.timeToPaid.count, 0);
  assert.deepEqual(Object.keys(r.latencyMs), [
    "browse",
    "storefront",
    "checkout",
    "pay",
    "cancel",
    "payToPaid",
    "timeToPaid",
    "timeToCancelled",
  ]);
  assert.deepEqual(r.errors, {
    total: 3,
    byKind: [
      { kind: "checkout: HTTP 503 unavailable", count: 2, example: "The orders service is unavailable" },
      { kind: "pay: timeout", count: 1, example: "no answer within 10000 ms" },
    ],
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.usage, null, "no usage given: null, not made up");
  assert.deepEqual(
    buildReport(sampleStats(), okCheck, { ...run, usage: { cpuS: 1.5, peakRssKb: 9000 } }).usage,
    { cpuS: 1.5, peakRssKb: 9000 },
  );
  assert.equal(r.startedAt, "2026-01-02T03:04:05.000Z");
  // JSON round trip: --json prints exactly this
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

Deno.test("the report gives the rate until stock first ran short", () => {
  const stats = sampleStats();
  stats.ordersPlaced = 2;
  stats.shortage(4000);
  stats.ordersPlaced = 3;
  const r = buildReport(stats, okCheck, run);
  assert.deepEqual(r.orders.untilShortage, { seconds: 4, placed: 2, perSecond: 0.5 });
  assert.match(formatReport(r), /stock first ran short after 4 s: 2 orders until then, 0\.5 orders\/s/);
});

Deno.test("the text report shows the totals, a percentile table with - for steps never measured, errors and the check", () => {
  const text = formatReport(buildReport(sampleStats(), okCheck, run));
  const lines = text.split("\n");
  assert.equal(lines[0], "OMS load test of http://127.0.0.1:8080 (started 2026-01-02T03:04:05.000Z)");
  assert.equal(lines[1], "  10 s, 8 shoppers (--follow stream): 3 orders placed, 0.3 orders/s");
  assert.match(text, /paid 2, cancelled 1, declined 0, expired 0/);
  assert.match(text, /4 checkouts out of stock \(409\), 5 visits found nothing left/);
  assert.ok(lines.includes("  step               count   p50   p95   p99   max"), text);
  assert.ok(lines.includes("  browse                 4  20.0  40.0  40.0  40.0"), text);
  assert.ok(lines.includes("  checkout               1  55.6  55.6  55.6  55.6"), text);
  assert.ok(lines.includes("  time-to-paid           0     -     -     -     -"), text);
  assert.ok(lines.includes("errors: 3"), text);
  assert.ok(
    lines.includes("       2  checkout: HTTP 503 unavailable (e.g. The orders service is unavailable)"),
    text,
  );
  assert.ok(
    lines.includes("final check: OK, all 3 orders in an expected state (cancelled 1, ready 2)"),
    text,
  );
});

Deno.test("a failed check lists every order not where it should be and exits 1", () => {
  const check: CheckResult = {
    checked: 3,
    byState: { lost: 1, ready: 1, waiting_payment: 1 },
    problems: [
      {
        id: "o-1",
        customerId: "load-x-1",
        kind: "lost",
        expected: "paid",
        status: "",
        detail: "the system answered 404 for an order it had created",
      },
      {
        id: "o-2",
        customerId: "load-x-2",
        kind: "stuck",
        expected: "cancelled",
        status: "waiting_payment",
        detail: "still waiting_payment at the end of the check",
      },
    ],
    untracked: [{ id: "o-9", customerId: "load-x-1", status: "waiting_payment", cancelled: true }],
    ok: false,
  };
  const stats = new RunStats();
  const r = buildReport(stats, check, run);
  assert.equal(r.exitCode, 1);
  const text = formatReport(r);
  assert.match(text, /^errors: none$/m);
  assert.match(
    text,
    /final check: FAILED, 2 of 3 orders not where they should be \(lost 1, ready 1, waiting_payment 1\)/,
  );
  assert.match(text, /lost {7}o-1 customer load-x-1: expected paid; the system answered 404/);
  assert.match(text, /stuck {6}o-2 customer load-x-2: expected cancelled; still waiting_payment/);
  assert.match(
    text,
    /1 orders were created without the shopper getting the answer \(1 still open, cancelled by the check\)/,
  );
});

Deno.test("table pads the first column left and the others right", () => {
  assert.deepEqual(table([["a", "1"], ["long", "100"]]), ["a       1", "long  100"]);
});
