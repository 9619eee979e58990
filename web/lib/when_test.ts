import assert from "node:assert/strict";
import { DEFAULT_SHOP, formatDateTime, formatTime } from "../shop.ts";
import { clockIn, dateTimeIn, pickupIn, timeIn } from "./when.ts";

Deno.test("islands format times exactly as shop.ts does, in the shop's zone and locale, never UTC", () => {
  const at = "2026-11-30T17:30:00.000Z"; // 18:30 in Berlin (CET)
  for (
    const zone of [
      { timeZone: "Europe/Berlin", locale: "en-GB" },
      { timeZone: "America/New_York", locale: "en-US" },
      { timeZone: "Asia/Tokyo", locale: "de-DE" },
    ]
  ) {
    const shop = { ...DEFAULT_SHOP, ...zone };
    assert.equal(timeIn(at, zone), formatTime(new Date(at), shop));
    assert.equal(dateTimeIn(at, zone), formatDateTime(new Date(at), shop));
  }
  assert.equal(timeIn(at, { timeZone: "Europe/Berlin", locale: "en-GB" }), "18:30");
  assert.equal(dateTimeIn(at, { timeZone: "Europe/Berlin", locale: "en-GB" }), "30 Nov 2026, 18:30");
  assert.equal(timeIn(null, { timeZone: "Europe/Berlin", locale: "en-GB" }), "");
  assert.equal(dateTimeIn("not a date", { timeZone: "Europe/Berlin", locale: "en-GB" }), "");
});

Deno.test("a pickup time reads as the time of day on the same local day, with the date otherwise", () => {
  const zone = { timeZone: "Europe/Berlin", locale: "en-GB" };
  const now = new Date("2026-11-30T22:30:00Z"); // 23:30 in Berlin
  assert.equal(pickupIn("2026-11-30T22:45:00Z", zone, now), "23:45");
  assert.equal(pickupIn("2026-11-30T23:15:00Z", zone, now), "1 Dec 2026, 00:15", "after local midnight");
  assert.equal(pickupIn(null, zone, now), "As soon as possible");
});

Deno.test("a clock to the second reads the shop's zone too", () => {
  assert.equal(clockIn("2026-11-30T17:30:05.000Z", { timeZone: "Asia/Tokyo", locale: "en-GB" }), "02:30:05");
  assert.equal(
    clockIn("2026-11-30T17:30:05.000Z", { timeZone: "Europe/Berlin", locale: "en-GB" }),
    "18:30:05",
  );
  assert.equal(clockIn(null, { timeZone: "Europe/Berlin", locale: "en-GB" }), "");
});
