import assert from "node:assert/strict";
import { AGE_LABELS, ageState, formatElapsed, ticketElapsedMs } from "./view.ts";
import { loadShop } from "../shop.ts";

const T = { warnMinutes: 10, lateMinutes: 20 };
const MIN = 60_000;

Deno.test("a ticket is fresh below the warn threshold, warn from it, late from the late threshold on", () => {
  assert.equal(ageState(0, T), "fresh");
  assert.equal(ageState(10 * MIN - 1, T), "fresh");
  assert.equal(ageState(10 * MIN, T), "warn");
  assert.equal(ageState(20 * MIN - 1, T), "warn");
  assert.equal(ageState(20 * MIN, T), "late");
  assert.equal(ageState(5 * 60 * MIN, T), "late");
  assert.equal(ageState(null, T), "fresh");
  assert.equal(ageState(3 * MIN, { warnMinutes: 2, lateMinutes: 3 }), "late");
  assert.equal(ageState(2 * MIN, { warnMinutes: 2, lateMinutes: 3 }), "warn");
  // Every state has its own words, so it is never told by colour alone.
  assert.equal(new Set(Object.values(AGE_LABELS)).size, 3);
});

Deno.test("the timer counts from payment to now, or to the moment the ticket was ready", () => {
  const paidAt = "2026-05-12T12:00:00.000Z";
  const now = Date.parse("2026-05-12T12:12:34.000Z");
  assert.equal(ticketElapsedMs({ paidAt, readyAt: null, status: "queued" }, now), 12 * MIN + 34_000);
  assert.equal(
    ticketElapsedMs({ paidAt, readyAt: "2026-05-12T12:07:00.000Z", status: "ready" }, now),
    7 * MIN,
  );
  assert.equal(ticketElapsedMs({ paidAt: null, readyAt: null, status: "queued" }, now), null);
  // A clock slightly behind the server's never shows a negative time.
  assert.equal(ticketElapsedMs({ paidAt, readyAt: null, status: "queued" }, now - 20 * MIN), 0);
  assert.equal(formatElapsed(12 * MIN + 34_999), "12:34");
  assert.equal(formatElapsed(5_000), "0:05");
  assert.equal(formatElapsed(61 * MIN + 2_000), "1:01:02");
  assert.equal(formatElapsed(null), "–");
});

Deno.test("KITCHEN_WARN_MINUTES and KITCHEN_LATE_MINUTES default to 10 and 20; late must be above warn", () => {
  const d = loadShop({});
  assert.deepEqual([d.kitchenWarnMinutes, d.kitchenLateMinutes], [10, 20]);
  const s = loadShop({ KITCHEN_WARN_MINUTES: "5", KITCHEN_LATE_MINUTES: "8" });
  assert.deepEqual([s.kitchenWarnMinutes, s.kitchenLateMinutes], [5, 8]);
  assert.throws(
    () => loadShop({ KITCHEN_WARN_MINUTES: "20", KITCHEN_LATE_MINUTES: "20" }),
    /KITCHEN_LATE_MINUTES/,
  );
  assert.throws(() => loadShop({ KITCHEN_WARN_MINUTES: "0" }), /KITCHEN_WARN_MINUTES/);
  assert.throws(() => loadShop({ KITCHEN_LATE_MINUTES: "soon" }), /KITCHEN_LATE_MINUTES/);
});
