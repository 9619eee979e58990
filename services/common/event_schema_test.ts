import assert from "node:assert/strict";
import { checkEventFields, MAX_EVENT_BODY_BYTES } from "./event_schema.ts";
import { decodeEvent, encodeEvent, EVENTS, MalformedEventError, type RoutingKey } from "./events.ts";

const item = { itemId: "1", name: "Margherita", quantity: 2, unitPrice: { amount: 850, currency: "EUR" } };

Deno.test("every catalog routing key has a field list", () => {
  for (const key of Object.keys(EVENTS)) {
    assert.equal(checkEventFields(key, { orderId: "o" }), undefined, key);
  }
});

Deno.test("events as OMS encodes them pass", () => {
  const body = encodeEvent("order.paid", {
    orderId: "o-1",
    customerId: "c-1",
    items: [item],
    paidAt: new Date(),
    number: 0,
    details: undefined,
  });
  assert.equal(decodeEvent("order.paid", body).items[0]?.quantity, 2);
  const created = encodeEvent("order.created", {
    orderId: "o-1",
    customerId: "c-1",
    items: [item],
    total: { amount: 1700, currency: "EUR" },
    createdAt: new Date(),
    number: 0,
    details: undefined,
  });
  assert.equal(decodeEvent("order.created", created).total?.amount, 1700);
  const withDetails = encodeEvent("order.paid", {
    orderId: "o-1",
    customerId: "c-1",
    items: [item],
    paidAt: new Date(),
    number: 1042,
    details: { name: "Ada", phone: "", email: "", note: "No onions", pickupAt: new Date(60_000) },
  });
  const paid = decodeEvent("order.paid", withDetails);
  assert.equal(paid.number, 1042);
  assert.deepEqual(paid.details, {
    name: "Ada",
    phone: "",
    email: "",
    note: "No onions",
    pickupAt: new Date(60_000),
  });
  // snake_case names (proto3 JSON accepts both) are checked too
  assert.throws(() => decodeEvent("order.paid", JSON.stringify({ order_id: "x".repeat(129) })), /orderId/);
});

const malformed: [RoutingKey, unknown, RegExp][] = [
  ["order.paid", { orderId: "x".repeat(5000) }, /field orderId must be at most 128 characters, got 5000/],
  ["order.paid", {}, /field orderId is required/],
  ["order.paid", { orderId: "" }, /field orderId must not be empty/],
  ["order.paid", { orderId: 42 }, /field orderId must be a string, got a number/],
  ["order.paid", { orderId: "o\u0000" }, /field orderId must not contain control characters/],
  ["order.paid", { orderId: "o", items: "abc" }, /field items must be an array, got a string/],
  [
    "order.paid",
    { orderId: "o", items: [{ itemId: "1", quantity: 0 }] },
    /field items\[0\]\.quantity must be an integer from 1/,
  ],
  ["order.paid", { orderId: "o", items: [{ itemId: "1", quantity: 1.5 }] }, /items\[0\]\.quantity/],
  ["order.paid", { orderId: "o", items: [{ itemId: "1", quantity: "2" }] }, /items\[0\]\.quantity/],
  ["order.paid", { orderId: "o", items: [{ quantity: 1 }] }, /field items\[0\]\.itemId is required/],
  ["order.paid", { orderId: "o", items: [7] }, /field items\[0\] must be an object/],
  ["order.paid", { orderId: "o", items: Array.from({ length: 101 }, () => item) }, /at most 100 lines/],
  ["order.paid", { orderId: "o", items: [{ ...item, name: "n".repeat(201) }] }, /items\[0\]\.name/],
  [
    "order.paid",
    { orderId: "o", items: [{ ...item, unitPrice: { amount: -1 } }] },
    /items\[0\]\.unitPrice\.amount/,
  ],
  ["order.paid", { orderId: "o", paidAt: "yesterday" }, /field paidAt must be an RFC 3339 time/],
  ["order.paid", { orderId: "o", customerId: "c".repeat(129) }, /field customerId/],
  ["order.created", { orderId: "o", total: { amount: 1, currency: "EURO" } }, /field total\.currency/],
  ["order.created", { orderId: "o", number: -1 }, /field number must be an integer from 0/],
  ["order.paid", { orderId: "o", number: 1.5 }, /field number must be an integer/],
  ["order.paid", { orderId: "o", number: "12a" }, /field number must be an integer/],
  ["order.paid", { orderId: "o", details: "Ada" }, /field details must be an object, got a string/],
  [
    "order.paid",
    { orderId: "o", details: { name: "n".repeat(201) } },
    /field details\.name must be at most 200/,
  ],
  [
    "order.paid",
    { orderId: "o", details: { note: "n".repeat(2001) } },
    /field details\.note must be at most 2000/,
  ],
  ["order.created", { orderId: "o", details: { phone: 5 } }, /field details\.phone must be a string/],
  [
    "order.created",
    { orderId: "o", details: { pickup_at: "soon" } },
    /field details\.pickupAt must be an RFC 3339/,
  ],
  ["order.cancelled", { orderId: "o", reason: "r".repeat(1001) }, /field reason must be at most 1000/],
  ["payment.link_created", { orderId: "o", url: "u".repeat(2049) }, /field url/],
  ["payment.succeeded", { orderId: "o", amount: 5 }, /field amount must be an object/],
  ["payment.succeeded", { orderId: "o", providerEventId: "e".repeat(129) }, /field providerEventId/],
  ["payment.refunded", { orderId: "o", refundId: ["r"] }, /field refundId must be a string, got an array/],
];

for (const [key, body, reason] of malformed) {
  Deno.test(`${key} ${JSON.stringify(body).slice(0, 60)} is malformed, naming the field`, () => {
    assert.throws(
      () => decodeEvent(key, JSON.stringify(body)),
      (err: unknown) =>
        err instanceof MalformedEventError && reason.test(err.message) && err.message.length < 300,
    );
  });
}

Deno.test("a body over the size limit is malformed before it is parsed", () => {
  const body = `{"orderId":"o","pad":"${"a".repeat(MAX_EVENT_BODY_BYTES)}"}`;
  assert.throws(() => decodeEvent("order.paid", body), /larger than 65536 bytes/);
  // counted in UTF-8 bytes: 30,000 "€" are 90,000 bytes though only 30,000 characters
  assert.throws(
    () => decodeEvent("order.paid", `{"orderId":"o","n":"${"€".repeat(30_000)}"}`),
    /larger than/,
  );
});

Deno.test("order numbers may travel as decimal strings (int64 in proto3 JSON)", () => {
  assert.equal(decodeEvent("order.paid", JSON.stringify({ orderId: "o", number: "1042" })).number, 1042);
});

Deno.test("money amounts may travel as decimal strings (int64 in proto3 JSON)", () => {
  assert.equal(
    decodeEvent(
      "payment.succeeded",
      JSON.stringify({ orderId: "o", amount: { amount: "1700", currency: "eur" } }),
    )
      .amount?.amount,
    1700,
  );
});

Deno.test("kitchen.ticket_reopened: status is queued or preparing, by is a bounded name; line stations are bounded", () => {
  const ok = { orderId: "o-1", reopenedAt: "2026-01-01T12:00:00Z", status: "preparing", by: "Ada" };
  assert.equal(checkEventFields("kitchen.ticket_reopened", ok), undefined);
  assert.deepEqual(checkEventFields("kitchen.ticket_reopened", { ...ok, status: "ready" }), {
    field: "status",
    problem: 'must be "queued" or "preparing", got "ready"',
  });
  assert.equal(checkEventFields("kitchen.ticket_reopened", { ...ok, by: "x".repeat(201) })?.field, "by");
  const items = [{ itemId: "1", quantity: 1, station: "s".repeat(65) }];
  assert.equal(checkEventFields("order.paid", { orderId: "o-1", items })?.field, "items[0].station");
});
