import assert from "node:assert/strict";
import { type DetailsResult, detailsWithoutContact, validateOrderDetails } from "./order_details.ts";

const NOW = new Date("2026-12-01T12:00:00Z");

function fails(result: DetailsResult, field: string, pattern?: RegExp): void {
  assert.equal(result.ok, false, `expected a failure on ${field}`);
  if (result.ok) return;
  assert.equal(result.field, field);
  if (pattern) assert.match(result.message, pattern);
}

Deno.test("absent or all-empty details are no details at all", () => {
  assert.deepEqual(validateOrderDetails(undefined, NOW), { ok: true, details: undefined });
  assert.deepEqual(validateOrderDetails({}, NOW), { ok: true, details: undefined });
  assert.deepEqual(
    validateOrderDetails({ name: "  ", phone: "", email: null, note: "\n", pickupAt: "" }, NOW),
    { ok: true, details: undefined },
  );
  // a proto message with nothing set decodes to empty strings and no time
  assert.deepEqual(
    validateOrderDetails({ name: "", phone: "", email: "", note: "", pickupAt: undefined }, NOW),
    { ok: true, details: undefined },
  );
});

Deno.test("valid details come back trimmed, the note with LF line breaks and the pickup time as a Date", () => {
  const result = validateOrderDetails({
    name: "  Ada Lovelace ",
    phone: " +44 (20) 7946-0958 ",
    email: " ada@example.org ",
    note: " No onions\r\nplease ",
    pickupAt: "2026-12-01T13:30:00+01:00",
  }, NOW);
  assert.deepEqual(result, {
    ok: true,
    details: {
      name: "Ada Lovelace",
      phone: "+44 (20) 7946-0958",
      email: "ada@example.org",
      note: "No onions\nplease",
      pickupAt: new Date("2026-12-01T12:30:00Z"),
    },
  });
});

Deno.test("phone or email alone is enough, pickup time is optional and a Date is accepted", () => {
  const byPhone = validateOrderDetails({ name: "Ada", phone: "0170 123456" }, NOW);
  assert.deepEqual(byPhone, {
    ok: true,
    details: { name: "Ada", phone: "0170 123456", email: "", note: "", pickupAt: undefined },
  });
  const byEmail = validateOrderDetails({ name: "Ada", email: "a@b.co", pickupAt: NOW }, NOW);
  assert.ok(byEmail.ok);
  assert.equal(byEmail.details?.email, "a@b.co");
  assert.deepEqual(byEmail.details?.pickupAt, NOW);
});

Deno.test("name is required when any detail is given, 1..80 characters, no control characters", () => {
  fails(validateOrderDetails({ phone: "0170 123456" }, NOW), "details.name", /required/);
  fails(validateOrderDetails({ note: "extra cheese" }, NOW), "details.name", /required/);
  fails(validateOrderDetails({ name: "x".repeat(81), phone: "0170123456" }, NOW), "details.name", /80/);
  assert.ok(
    validateOrderDetails({ name: "é".repeat(80), phone: "0170123456" }, NOW).ok,
    "80 characters pass",
  );
  fails(validateOrderDetails({ name: "Ada\u0007", phone: "0170123456" }, NOW), "details.name", /control/);
  fails(validateOrderDetails({ name: 42, phone: "0170123456" }, NOW), "details.name", /string, got number/);
});

Deno.test("phone: only digits, spaces and + - ( ) ., with 6 to 20 digits", () => {
  fails(validateOrderDetails({ name: "Ada", phone: "0170-CALL-ME" }, NOW), "details.phone", /"0170-CALL-ME"/);
  fails(validateOrderDetails({ name: "Ada", phone: "12345" }, NOW), "details.phone", /6 to 20 digits, got 5/);
  fails(validateOrderDetails({ name: "Ada", phone: "1".repeat(21) }, NOW), "details.phone", /got 21/);
  assert.ok(validateOrderDetails({ name: "Ada", phone: "123456" }, NOW).ok);
  assert.ok(validateOrderDetails({ name: "Ada", phone: "+1 (555) 010.9999" }, NOW).ok);
});

Deno.test("email: local@domain.tld, at most 254 characters", () => {
  for (
    const bad of ["ada", "ada@example", "ada@.org", "a da@example.org", "ada@@example.org", "@example.org"]
  ) {
    fails(validateOrderDetails({ name: "Ada", email: bad }, NOW), "details.email", /name@example.com/);
  }
  const long = `${"a".repeat(64)}@${"b".repeat(186)}.org`; // 255 characters
  fails(validateOrderDetails({ name: "Ada", email: long }, NOW), "details.email", /254/);
  assert.ok(validateOrderDetails({ name: "Ada", email: long.slice(1) }, NOW).ok);
});

Deno.test("phone or email is required", () => {
  fails(validateOrderDetails({ name: "Ada" }, NOW), "details.phone", /phone number or an email/);
  fails(validateOrderDetails({ name: "Ada", phone: " ", email: "" }, NOW), "details.phone");
});

Deno.test("note: at most 500 characters, line breaks but no other control characters", () => {
  const base = { name: "Ada", phone: "0170123456" };
  assert.ok(validateOrderDetails({ ...base, note: "n".repeat(500) }, NOW).ok);
  fails(validateOrderDetails({ ...base, note: "n".repeat(501) }, NOW), "details.note", /500/);
  assert.ok(validateOrderDetails({ ...base, note: "line 1\nline 2" }, NOW).ok);
  fails(validateOrderDetails({ ...base, note: "tab\there" }, NOW), "details.note", /control/);
  fails(validateOrderDetails({ ...base, note: "nul\u0000" }, NOW), "details.note", /control/);
});

Deno.test("pickupAt: ISO 8601 with a time zone, from a minute ago to seven days ahead", () => {
  const base = { name: "Ada", phone: "0170123456" };
  const at = (pickupAt: unknown) => validateOrderDetails({ ...base, pickupAt }, NOW);
  assert.ok(at("2026-12-01T11:59:30Z").ok, "30 s ago is within the grace");
  fails(at("2026-12-01T11:58:59Z"), "details.pickupAt", /in the past/);
  assert.ok(at("2026-12-08T12:00:00Z").ok, "exactly 7 days ahead");
  fails(at("2026-12-08T12:00:01Z"), "details.pickupAt", /7 days/);
  fails(at("2026-12-01T18:30"), "details.pickupAt", /time zone/);
  fails(at("tomorrow"), "details.pickupAt", /"tomorrow"/);
  fails(at("2026-13-45T10:00:00Z"), "details.pickupAt", /not a valid date/);
  fails(at(1764590400000), "details.pickupAt", /string, got number/);
  fails(at(new Date(Number.NaN)), "details.pickupAt", /not a valid date/);
  assert.deepEqual(
    (at("2026-12-01T12:15:00.250Z") as { details: { pickupAt: Date } }).details.pickupAt,
    new Date("2026-12-01T12:15:00.250Z"),
  );
});

Deno.test("details for events and the kitchen keep name, note and pickup time, not the contact", () => {
  assert.equal(detailsWithoutContact(undefined), undefined);
  assert.deepEqual(
    detailsWithoutContact({ name: "Ada", phone: "0170123456", email: "a@b.co", note: "n", pickupAt: NOW }),
    { name: "Ada", phone: "", email: "", note: "n", pickupAt: NOW },
  );
});
