import assert from "node:assert/strict";
import { MAX_LINES, MAX_QUANTITY, parseOrderBody, type ParseResult } from "./parse_order_body.ts";

function ok(body: unknown) {
  const r = parseOrderBody(body);
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
  return r.items;
}

function rejected(body: unknown, field: string, message: RegExp): void {
  const r: ParseResult = parseOrderBody(body);
  assert.equal(r.ok, false, `expected a rejection of ${JSON.stringify(body)}`);
  if (r.ok) return;
  assert.equal(r.field, field);
  assert.match(r.message, message);
}

Deno.test("parseOrderBody accepts the documented {items: [{id, quantity}]} shape", () => {
  assert.deepEqual(ok({ items: [{ id: "pizza", quantity: 2 }, { id: "cola", quantity: 1 }] }), [
    { itemId: "pizza", quantity: 2 },
    { itemId: "cola", quantity: 1 },
  ]);
});

Deno.test("parseOrderBody accepts the seed's JSON array of {ID, Quantity}", () => {
  assert.deepEqual(ok([{ ID: "1", Quantity: 3 }, { ID: "2", Quantity: 1 }]), [
    { itemId: "1", quantity: 3 },
    { itemId: "2", quantity: 1 },
  ]);
});

Deno.test("parseOrderBody accepts a single {ID, Quantity} object as one line", () => {
  assert.deepEqual(ok({ ID: "7", Quantity: 4 }), [{ itemId: "7", quantity: 4 }]);
});

Deno.test("parseOrderBody matches line keys case-insensitively, as the seed's Go decoder did", () => {
  assert.deepEqual(ok([{ id: "a", quantity: 1 }, { Id: "b", QUANTITY: 2 }]), [
    { itemId: "a", quantity: 1 },
    { itemId: "b", quantity: 2 },
  ]);
  assert.deepEqual(ok({ Items: [{ ID: "a", Quantity: 1 }] }), [{ itemId: "a", quantity: 1 }]);
});

Deno.test("parseOrderBody reads a numeric id as its decimal string", () => {
  assert.deepEqual(ok({ items: [{ id: 1, quantity: 1 }, { id: 0, quantity: 1 }] }), [
    { itemId: "1", quantity: 1 },
    { itemId: "0", quantity: 1 },
  ]);
  assert.deepEqual(ok([{ ID: 42, Quantity: 5 }]), [{ itemId: "42", quantity: 5 }]);
});

Deno.test("parseOrderBody accepts the limits themselves: quantity 1 and MAX_QUANTITY, MAX_LINES lines", () => {
  assert.equal(ok({ items: [{ id: "a", quantity: 1 }] })[0]?.quantity, 1);
  assert.equal(ok({ items: [{ id: "a", quantity: MAX_QUANTITY }] })[0]?.quantity, MAX_QUANTITY);
  const lines = Array.from({ length: MAX_LINES }, (_, i) => ({ id: `i${i}`, quantity: 1 }));
  assert.equal(ok({ items: lines }).length, MAX_LINES);
});

Deno.test("parseOrderBody ignores unknown extra keys", () => {
  assert.deepEqual(ok({ items: [{ id: "a", quantity: 1, note: "x" }], comment: "hi" }), [
    { itemId: "a", quantity: 1 },
  ]);
});

Deno.test("parseOrderBody rejects a body that is not an object or array, naming items", () => {
  rejected("pizza", "items", /got a string/);
  rejected(12, "items", /got a number/);
  rejected(null, "items", /got null/);
  rejected(true, "items", /got a boolean/);
});

Deno.test("parseOrderBody rejects an object with neither items nor a line", () => {
  rejected({}, "items", /no items/);
  rejected({ products: [] }, "items", /no items/);
});

Deno.test("parseOrderBody rejects items that is not an array", () => {
  rejected({ items: { id: "a", quantity: 1 } }, "items", /Items must be an array, got an object/);
  rejected({ items: null }, "items", /got null/);
  rejected({ items: "a" }, "items", /got a string/);
});

Deno.test("parseOrderBody rejects empty items in every shape", () => {
  rejected({ items: [] }, "items", /at least one item/);
  rejected([], "items", /at least one item/);
});

Deno.test("parseOrderBody rejects more than MAX_LINES lines", () => {
  const lines = Array.from({ length: MAX_LINES + 1 }, (_, i) => ({ id: `i${i}`, quantity: 1 }));
  rejected({ items: lines }, "items", new RegExp(`at most ${MAX_LINES} lines, got ${MAX_LINES + 1}`));
});

Deno.test("parseOrderBody rejects a line that is not an object, naming the line", () => {
  rejected({ items: [{ id: "a", quantity: 1 }, "b"] }, "items[1]", /must be an object.*got a string/);
  rejected([null], "items[0]", /got null/);
  rejected([[1, 2]], "items[0]", /got an array/);
});

Deno.test("parseOrderBody rejects a missing id or quantity, naming the field", () => {
  rejected({ items: [{ quantity: 1 }] }, "items[0].id", /no item id/);
  rejected({ items: [{ id: "a" }] }, "items[0].quantity", /no quantity/);
  rejected({ Quantity: 2 }, "items[0].id", /no item id/);
  rejected({ ID: "a" }, "items[0].quantity", /no quantity/);
});

Deno.test("parseOrderBody rejects ids of the wrong type or shape", () => {
  rejected({ items: [{ id: true, quantity: 1 }] }, "items[0].id", /got a boolean/);
  rejected({ items: [{ id: null, quantity: 1 }] }, "items[0].id", /got null/);
  rejected({ items: [{ id: { x: 1 }, quantity: 1 }] }, "items[0].id", /got an object/);
  rejected({ items: [{ id: "", quantity: 1 }] }, "items[0].id", /must not be empty/);
  rejected({ items: [{ id: "   ", quantity: 1 }] }, "items[0].id", /must not be empty/);
  rejected({ items: [{ id: "x".repeat(65), quantity: 1 }] }, "items[0].id", /at most 64 characters, got 65/);
  rejected({ items: [{ id: "a\nb", quantity: 1 }] }, "items[0].id", /control characters/);
});

Deno.test("parseOrderBody rejects numeric ids that are fractions, negative or too large", () => {
  rejected({ items: [{ id: 1.5, quantity: 1 }] }, "items[0].id", /whole number.*got 1\.5/);
  rejected({ items: [{ id: -3, quantity: 1 }] }, "items[0].id", /must not be negative, got -3/);
  rejected({ items: [{ id: 2 ** 60, quantity: 1 }] }, "items[0].id", /too large.*send it as a string/);
});

Deno.test("parseOrderBody rejects zero, negative, fractional, huge and non-number quantities", () => {
  rejected({ items: [{ id: "a", quantity: 0 }] }, "items[0].quantity", /at least 1, got 0/);
  rejected({ items: [{ id: "a", quantity: -2 }] }, "items[0].quantity", /at least 1, got -2/);
  rejected({ items: [{ id: "a", quantity: 1.5 }] }, "items[0].quantity", /whole number, got 1\.5/);
  rejected(
    { items: [{ id: "a", quantity: MAX_QUANTITY + 1 }] },
    "items[0].quantity",
    new RegExp(`at most ${MAX_QUANTITY}, got ${MAX_QUANTITY + 1}`),
  );
  rejected({ items: [{ id: "a", quantity: 1e308 * 10 }] }, "items[0].quantity", /whole number, got Infinity/);
  rejected({ items: [{ id: "a", quantity: "2" }] }, "items[0].quantity", /whole number, got a string/);
  rejected({ items: [{ id: "a", quantity: null }] }, "items[0].quantity", /got null/);
});

Deno.test("parseOrderBody names the failing line's index in the seed's array shape too", () => {
  rejected([{ ID: "a", Quantity: 1 }, { ID: "b", Quantity: 0 }], "items[1].quantity", /at least 1/);
});

Deno.test("parseOrderBody rejects a line that gives the same key twice in different case", () => {
  rejected([{ id: "a", ID: "b", quantity: 1 }], "items[0].id", /"id" and "ID"/);
  rejected({ items: [{ id: "a", quantity: 1 }], Items: [] }, "items", /"items" and "Items"/);
});

const NOW = new Date("2030-03-04T12:00:00Z");
const ONE = [{ id: "1", quantity: 1 }];

function details(body: unknown) {
  const r = parseOrderBody(body, NOW);
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
  return r.details;
}

Deno.test("parseOrderBody returns the details an API client gives, checked by the services' validator", () => {
  const d = details({
    items: ONE,
    details: { name: " Ada ", phone: "+49 30 1234567", note: "No onions", pickupAt: "2030-03-04T12:30:00Z" },
  });
  assert.equal(d?.name, "Ada");
  assert.equal(d?.phone, "+49 30 1234567");
  assert.equal(d?.note, "No onions");
  assert.equal(d?.pickupAt?.toISOString(), "2030-03-04T12:30:00.000Z");
  const asap = details({ items: ONE, details: { name: "Bo", email: "bo@example.com" } });
  assert.equal(asap?.email, "bo@example.com");
  assert.equal(asap?.pickupAt, undefined, "no pickupAt: as soon as possible");
});

Deno.test("parseOrderBody: details are optional for API clients in every shape", () => {
  assert.equal(details({ items: ONE }), undefined);
  assert.equal(details({ items: ONE, details: null }), undefined);
  assert.equal(details([{ ID: 1, Quantity: 2 }]), undefined);
  assert.equal(details({ ID: 1, Quantity: 2 }), undefined);
  assert.equal(details({ ID: 1, Quantity: 2, details: { name: "Cy", phone: "0301234567" } })?.name, "Cy");
});

Deno.test("parseOrderBody rejects details that are not an object, or name a field they do not have", () => {
  rejected(
    { items: ONE, details: "Ada" },
    "details",
    /must be an object with name, phone, email, note, pickupAt, got a string/,
  );
  rejected({ items: ONE, details: [] }, "details", /got an array/);
  rejected(
    { items: ONE, details: { name: "Ada", phone: "0301234567", pickup_at: "2030-03-04T12:30:00Z" } },
    "details.pickup_at",
    /no field "pickup_at"; they take name, phone, email, note, pickupAt/,
  );
});

Deno.test("parseOrderBody passes the validator's rejections on with their details.* field", () => {
  const r = (d: unknown) => parseOrderBody({ items: ONE, details: d }, NOW);
  const field = (d: unknown) => {
    const res = r(d);
    assert.equal(res.ok, false, `expected a rejection of ${JSON.stringify(d)}`);
    return res.ok ? "" : res.field;
  };
  assert.equal(field({ name: "", phone: "0301234567" }), "details.name");
  assert.equal(field({ name: "Ada", phone: "12" }), "details.phone");
  assert.equal(field({ name: "Ada", email: "not-an-email" }), "details.email");
  assert.match(field({ name: "Ada" }), /^details\.(phone|email)$/);
  assert.equal(field({ name: "Ada", phone: "0301234567", note: "x".repeat(501) }), "details.note");
  assert.equal(
    field({ name: "Ada", phone: "0301234567", pickupAt: "2030-03-20T12:00:00Z" }),
    "details.pickupAt",
  );
  assert.equal(field({ name: "Ada", phone: "0301234567", pickupAt: "soon" }), "details.pickupAt");
});

Deno.test("parseOrderBody checks the items before the details", () => {
  rejected({ items: [], details: "x" }, "items", /at least one item/);
});
