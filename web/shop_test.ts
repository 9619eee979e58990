import assert from "node:assert/strict";
import {
  DEFAULT_SHOP,
  earliestPickup,
  formatTime,
  hoursText,
  isOpen,
  isValidSlot,
  loadShop,
  parseHours,
  pickupSlots,
  type ShopConfig,
  slotLabel,
  withBusyMinutes,
} from "./shop.ts";

const berlin: ShopConfig = { ...DEFAULT_SHOP, hours: parseHours("Mo-Fr 11:00-22:00; Sa,Su 12:00-23:00") };

Deno.test("parseHours reads day ranges, lists and several spans; rejects nonsense naming the variable", () => {
  const spans = parseHours("Mo-We 11:00-14:00; Mo 17:00-22:00; Sa,Su 12:00-24:00");
  assert.deepEqual(spans.filter((s) => s.day === 0).length, 2);
  assert.deepEqual(spans.filter((s) => s.day === 3).length, 0);
  assert.deepEqual(spans.find((s) => s.day === 6)?.close, 1440);
  assert.deepEqual(parseHours("Sa-Mo 10:00-11:00").map((s) => s.day).sort(), [0, 5, 6]);
  for (const bad of ["Mo 11-22", "Xy 11:00-12:00", "Mo 12:00-11:00", "Mo 25:00-26:00", ""]) {
    assert.throws(() => parseHours(bad), /SHOP_HOURS/);
  }
});

Deno.test("loadShop validates the time zone and locale and keeps defaults for unset variables", () => {
  assert.deepEqual(loadShop({}).timeZone, "Europe/Berlin");
  assert.deepEqual(loadShop({ SHOP_NAME: "Da Mario", SHOP_PREP_MINUTES: "25" }).prepMinutes, 25);
  assert.throws(() => loadShop({ SHOP_TIME_ZONE: "Mars/Olympus" }), /SHOP_TIME_ZONE/);
  assert.throws(() => loadShop({ SHOP_PREP_MINUTES: "-3" }), /SHOP_PREP_MINUTES/);
});

Deno.test("times show in the shop's zone, not UTC", () => {
  // 2026-11-30 17:30 UTC is 18:30 in Berlin (CET, UTC+1), 2026-07-01 16:30 UTC is 18:30 (CEST).
  assert.deepEqual(formatTime(new Date("2026-11-30T17:30:00Z"), berlin), "18:30");
  assert.deepEqual(formatTime(new Date("2026-07-01T16:30:00Z"), berlin), "18:30");
  const tokyo = { ...berlin, timeZone: "Asia/Tokyo" };
  assert.deepEqual(formatTime(new Date("2026-11-30T09:30:00Z"), tokyo), "18:30");
});

Deno.test("pickup slots start a prep estimate away, on the quarter hour, inside opening hours", () => {
  const now = new Date("2026-11-30T17:02:00Z"); // Monday 18:02 in Berlin
  const slots = pickupSlots(berlin, now);
  assert.deepEqual(formatTime(slots[0]!, berlin), "18:30"); // 18:02 + 15 min = 18:17 -> 18:30
  assert.ok(slots.every((s) => s.getTime() % (15 * 60_000) === 0));
  assert.ok(slots.every((s) => isValidSlot(berlin, s, now)));
  // Monday closes at 22:00; the next slot is Tuesday 11:00.
  const i = slots.findIndex((s) => formatTime(s, berlin) === "22:00");
  assert.deepEqual(slotLabel(slots[i + 1]!, now, berlin), "Tue 11:00");
  assert.deepEqual(slotLabel(slots[0]!, now, berlin), "18:30");
  // Busy mode adds minutes.
  assert.deepEqual(formatTime(pickupSlots(berlin, now, 30)[0]!, berlin), "19:00");
});

Deno.test("a shop open round the clock offers each slot once, midnight included", () => {
  const allDay = { ...berlin, hours: parseHours("Mo-Su 00:00-24:00") };
  const slots = pickupSlots(allDay, new Date("2026-11-30T21:40:00Z"), 0, 200); // Mon 22:40 in Berlin
  const times = slots.map((s) => s.getTime());
  assert.equal(new Set(times).size, times.length);
  assert.ok(times.every((t, i) => i === 0 || t - times[i - 1]! === 15 * 60_000), "one slot every 15 minutes");
  assert.equal(times.filter((t) => formatTime(new Date(t), allDay) === "00:00").length, 2); // Tue and Wed
});

Deno.test("isValidSlot refuses times too soon, outside opening hours, or more than a week ahead", () => {
  const now = new Date("2026-11-30T17:02:00Z");
  assert.deepEqual(isValidSlot(berlin, new Date("2026-11-30T17:10:00Z"), now), false); // too soon
  assert.deepEqual(isValidSlot(berlin, new Date("2026-11-30T22:30:00Z"), now), false); // 23:30, closed
  assert.deepEqual(isValidSlot(berlin, new Date("2026-12-01T10:00:00Z"), now), true); // Tue 11:00
  assert.deepEqual(isValidSlot(berlin, new Date("2026-12-20T12:00:00Z"), now), false); // too far
});

Deno.test("isOpen and hoursText follow the configured hours", () => {
  assert.deepEqual(isOpen(berlin, new Date("2026-11-30T17:00:00Z")), true);
  assert.deepEqual(isOpen(berlin, new Date("2026-11-30T22:00:00Z")), false); // Mon 23:00
  assert.deepEqual(isOpen(berlin, new Date("2026-12-05T21:30:00Z")), true); // Sat 22:30
  assert.deepEqual(hoursText(berlin), ["Mon–Fri 11:00–22:00", "Sat–Sun 12:00–23:00"]);
  const closedWed = { ...berlin, hours: parseHours("Mo-Tu 11:00-22:00; Th-Su 11:00-22:00") };
  assert.deepEqual(hoursText(closedWed), ["Mon–Tue 11:00–22:00", "Wed closed", "Thu–Sun 11:00–22:00"]);
});

Deno.test("busy mode moves the earliest pickup and every slot by its minutes; 0 changes nothing", () => {
  const shop = { ...DEFAULT_SHOP, hours: parseHours("Mo-Su 00:00-24:00"), timeZone: "UTC" };
  const now = new Date("2026-11-30T12:00:00Z");
  assert.equal(withBusyMinutes(shop, 0), shop);
  const busy = withBusyMinutes(shop, 30);
  assert.equal(busy.prepMinutes, 45);
  assert.equal(earliestPickup(busy, now).toISOString(), "2026-11-30T12:45:00.000Z");
  assert.equal(pickupSlots(shop, now)[0]!.toISOString(), "2026-11-30T12:15:00.000Z");
  assert.equal(pickupSlots(busy, now)[0]!.toISOString(), "2026-11-30T12:45:00.000Z");
  assert.equal(isValidSlot(busy, new Date("2026-11-30T12:15:00Z"), now), false, "a slot busy mode took away");
});

Deno.test("hoursText is made once per shop settings, yet follows a change of hours or locale", () => {
  const shop = { ...berlin };
  const first = hoursText(shop);
  first.push("changed by the caller");
  assert.deepEqual(hoursText(shop), ["Mon–Fri 11:00–22:00", "Sat–Sun 12:00–23:00"], "a copy each time");
  shop.hours = parseHours("Mo-Su 10:00-20:00");
  assert.deepEqual(hoursText(shop), ["Mon–Sun 10:00–20:00"]);
  shop.locale = "de-DE";
  assert.deepEqual(hoursText(shop), ["Mo–So 10:00–20:00"]);
});
