import assert from "node:assert/strict";
import { ASAP, checkDetails, detailsJson, EMPTY_VALUES, fieldOf, readValues } from "./checkout_form.ts";

const NOW = new Date("2026-05-12T10:00:00Z");

Deno.test("the checkout requires a name and a way to reach the customer, and reports every bad field at once", () => {
  assert.deepEqual(Object.keys(checkDetails(EMPTY_VALUES, NOW)).sort(), ["name", "phone"]);
  assert.match(checkDetails(EMPTY_VALUES, NOW).phone!, /phone number or an email address/);
  const errors = checkDetails(
    { name: "", phone: "abc", email: "not-an-email", note: "x".repeat(501), pickup: "2020-01-01T10:00:00Z" },
    NOW,
  );
  assert.deepEqual(Object.keys(errors).sort(), ["email", "name", "note", "phone", "pickup"]);
  assert.match(errors.phone!, /only digits/);
  assert.match(errors.email!, /name@example\.com/);
  assert.match(errors.note!, /500/);
  assert.match(errors.pickup!, /in the past/);
  // an invalid email with no phone is about the email, not a missing contact
  assert.deepEqual(Object.keys(checkDetails({ ...EMPTY_VALUES, name: "Ada", email: "ada@" }, NOW)), [
    "email",
  ]);
  assert.deepEqual(checkDetails({ ...EMPTY_VALUES, name: " Ada ", phone: "+49 30 1234567" }, NOW), {});
  assert.deepEqual(checkDetails({ ...EMPTY_VALUES, name: "Ada", email: "ada@example.com" }, NOW), {});
});

Deno.test("form values become the JSON API's details; API fields map back to form fields", () => {
  const values = readValues((n) =>
    ({ name: " Ada ", phone: "0301234567", note: "No onions\r\n", pickup: "2026-05-12T11:00:00.000Z" })[n] ??
      null
  );
  assert.deepEqual(values, {
    name: " Ada ",
    phone: "0301234567",
    email: "",
    note: "No onions\r\n",
    pickup: "2026-05-12T11:00:00.000Z",
  });
  assert.deepEqual(detailsJson(values), {
    name: "Ada",
    phone: "0301234567",
    email: "",
    note: "No onions",
    pickupAt: "2026-05-12T11:00:00.000Z",
  });
  assert.equal(readValues(() => null).pickup, ASAP);
  assert.equal(detailsJson(readValues(() => null)).pickupAt, null);
  assert.equal(fieldOf("details.pickupAt"), "pickup");
  assert.equal(fieldOf("details.email"), "email");
  assert.equal(fieldOf("items[0].id"), null);
});
