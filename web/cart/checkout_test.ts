import assert from "node:assert/strict";
import { ASAP, EMPTY_VALUES } from "../lib/checkout_form.ts";
import { DEFAULT_SHOP, parseHours } from "../shop.ts";
import { checkCheckout, pickupChoices, withOfferedPickup } from "./checkout.ts";

// Berlin is UTC+2 in May; the demo shop is open 11:00-23:00 every day.
const OPEN = new Date("2026-05-12T12:00:00Z"); // 14:00 in Berlin
const NIGHT = new Date("2026-05-12T23:30:00Z"); // 01:30 in Berlin
const ada = { ...EMPTY_VALUES, name: "Ada", phone: "030 1234567", note: "Extra napkins" };

Deno.test("while open, as soon as possible is offered; at night only tomorrow's slots, in local time", () => {
  const day = pickupChoices(DEFAULT_SHOP, OPEN);
  assert.equal(day.asap, true);
  assert.equal(day.prepMinutes, 15);
  assert.deepEqual(day.slots[0], { value: "2026-05-12T12:15:00.000Z", label: "14:15" });
  const night = pickupChoices(DEFAULT_SHOP, NIGHT);
  assert.equal(night.asap, false);
  assert.deepEqual(night.slots[0], { value: "2026-05-13T09:00:00.000Z", label: "11:00" });
  assert.equal(withOfferedPickup(EMPTY_VALUES, night).pickup, "2026-05-13T09:00:00.000Z");
  assert.equal(withOfferedPickup(EMPTY_VALUES, day).pickup, ASAP);
  // open around the clock: midnight ends one day's hours and starts the next, and is offered once
  const always = pickupChoices({ ...DEFAULT_SHOP, hours: parseHours("Mo-Su 00:00-24:00") }, OPEN);
  const values = always.slots.map((s) => s.value);
  assert.equal(new Set(values).size, values.length);
  assert.ok(values.includes("2026-05-12T22:00:00.000Z"), "midnight in Berlin");
});

Deno.test("a checkout is checked against the shop's hours: an offered slot or as soon as possible while open", () => {
  const asap = checkCheckout(ada, DEFAULT_SHOP, OPEN);
  assert.ok(asap.ok);
  assert.deepEqual(asap.details, {
    name: "Ada",
    phone: "030 1234567",
    email: "",
    note: "Extra napkins",
    pickupAt: undefined,
  });
  const slot = checkCheckout({ ...ada, pickup: "2026-05-12T16:30:00.000Z" }, DEFAULT_SHOP, OPEN);
  assert.ok(slot.ok);
  assert.deepEqual(slot.details.pickupAt, new Date("2026-05-12T16:30:00.000Z"));

  const closed = checkCheckout(ada, DEFAULT_SHOP, NIGHT);
  assert.ok(!closed.ok);
  assert.match(closed.errors.pickup!, /closed/);
  for (const pickup of ["2026-05-12T23:00:00.000Z", "2026-05-12T12:05:00.000Z", "tomorrow"]) {
    const r = checkCheckout({ ...ada, pickup }, DEFAULT_SHOP, OPEN);
    assert.ok(!r.ok, pickup);
    assert.ok(r.errors.pickup, pickup);
  }
  const bad = checkCheckout({ ...ada, name: "", phone: "" }, DEFAULT_SHOP, OPEN);
  assert.ok(!bad.ok);
  assert.deepEqual(Object.keys(bad.errors).sort(), ["name", "phone"]);
});
