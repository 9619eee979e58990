import assert from "node:assert/strict";
import {
  errorOf,
  postJson,
  proofFor,
  startSystem,
  TEST_CUSTOMER_AUTH,
  type TestSystem,
  withHeaders,
} from "../testing.ts";
import type { OrderJson } from "./order_json.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ORDERS = "/api/customers/alice/orders";
/** Proof of alice and of bob (bearer tokens). */
const ALICE = await proofFor("alice");
const BOB = await proofFor("bob");
/** A GET as alice. */
const asAlice: RequestInit = { headers: ALICE };

interface Rejection {
  name: string;
  path?: string;
  init: RequestInit;
  status: number;
  code: string;
  field?: string;
  message: RegExp;
}

function chunked(bytes: number): RequestInit {
  const chunk = new TextEncoder().encode(" ".repeat(1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { method: "POST", headers: { "content-type": "application/json" }, body };
}

const line = (id: unknown, quantity: unknown) => ({ items: [{ id, quantity }] });

const REJECTIONS: Rejection[] = [
  {
    name: "bad JSON",
    init: postJson('{"items": [{"id": "1", "quantity": 1}'),
    status: 400,
    code: "invalid_json",
    message: /not valid JSON/,
  },
  {
    name: "missing body",
    init: { method: "POST", headers: { "content-type": "application/json" } },
    status: 400,
    code: "invalid_json",
    message: /body is missing/,
  },
  {
    name: "a form body, not JSON",
    init: {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "ID=1&Quantity=2",
    },
    status: 415,
    code: "unsupported_media_type",
    field: "Content-Type",
    message:
      /not JSON \(Content-Type "application\/x-www-form-urlencoded"\).*-H 'Content-Type: application\/json'/,
  },
  {
    name: "oversized body (Content-Length)",
    init: postJson({ items: [{ id: "1", quantity: 1 }], pad: "x".repeat(20_000) }),
    status: 413,
    code: "payload_too_large",
    message: /larger than 16384 bytes/,
  },
  {
    name: "oversized body (streamed, no Content-Length)",
    init: chunked(40_000),
    status: 413,
    code: "payload_too_large",
    message: /larger than 16384 bytes/,
  },
  {
    name: "items of the wrong type",
    init: postJson({ items: "1" }),
    status: 422,
    code: "invalid_argument",
    field: "items",
    message: /Items must be an array, got a string/,
  },
  {
    name: "quantity of the wrong type",
    init: postJson(line("1", "2")),
    status: 422,
    code: "invalid_argument",
    field: "items[0].quantity",
    message: /Quantity must be a whole number, got a string/,
  },
  {
    name: "missing quantity",
    init: postJson({ items: [{ id: "1" }] }),
    status: 422,
    code: "invalid_argument",
    field: "items[0].quantity",
    message: /has no quantity/,
  },
  {
    name: "zero quantity",
    init: postJson(line("1", 0)),
    status: 422,
    code: "invalid_argument",
    field: "items[0].quantity",
    message: /at least 1, got 0/,
  },
  {
    name: "negative quantity",
    init: postJson([{ ID: "1", Quantity: 1 }, { ID: "2", Quantity: -1 }]),
    status: 422,
    code: "invalid_argument",
    field: "items[1].quantity",
    message: /at least 1, got -1/,
  },
  {
    name: "fractional quantity",
    init: postJson(line("1", 2.5)),
    status: 422,
    code: "invalid_argument",
    field: "items[0].quantity",
    message: /whole number, got 2.5/,
  },
  {
    name: "huge quantity",
    init: postJson(line("1", 1001)),
    status: 422,
    code: "invalid_argument",
    field: "items[0].quantity",
    message: /at most 1000, got 1001/,
  },
  {
    name: "empty items",
    init: postJson({ items: [] }),
    status: 422,
    code: "invalid_argument",
    field: "items",
    message: /at least one item/,
  },
  {
    name: "too many lines",
    init: postJson({ items: Array.from({ length: 51 }, () => ({ id: "1", quantity: 1 })) }),
    status: 422,
    code: "invalid_argument",
    field: "items",
    message: /at most 50 lines, got 51/,
  },
  {
    name: "non-integer numeric ID",
    init: postJson([{ ID: 1.5, Quantity: 1 }]),
    status: 422,
    code: "invalid_argument",
    field: "items[0].id",
    message: /whole number or a string, got 1.5/,
  },
  {
    name: "negative numeric ID",
    init: postJson({ ID: -1, Quantity: 1 }),
    status: 422,
    code: "invalid_argument",
    field: "items[0].id",
    message: /must not be negative, got -1/,
  },
  {
    name: "details that are not an object",
    init: postJson({ ...line("1", 1), details: "Ada, 0301234567" }),
    status: 422,
    code: "invalid_argument",
    field: "details",
    message: /Details must be an object/,
  },
  {
    name: "a phone number with too few digits",
    init: postJson({ ...line("1", 1), details: { name: "Ada", phone: "12" } }),
    status: 422,
    code: "invalid_argument",
    field: "details.phone",
    message: /12/,
  },
  {
    name: "details without a phone or an email",
    init: postJson({ ...line("1", 1), details: { name: "Ada" } }),
    status: 422,
    code: "invalid_argument",
    message: /phone|email/,
  },
  {
    name: "a pickup time more than 7 days ahead",
    init: postJson({
      ...line("1", 1),
      details: {
        name: "Ada",
        email: "ada@example.com",
        pickupAt: new Date(Date.now() + 8 * 86_400_000).toISOString(),
      },
    }),
    status: 422,
    code: "invalid_argument",
    field: "details.pickupAt",
    message: /./,
  },
  {
    name: "a detail the API does not have (snake_case)",
    init: postJson({ ...line("1", 1), details: { name: "Ada", phone: "0301234567", pickup_at: "soon" } }),
    status: 422,
    code: "invalid_argument",
    field: "details.pickup_at",
    message: /no field "pickup_at"; they take name, phone, email, note, pickupAt/,
  },
  {
    name: "bad customer id",
    path: "/api/customers/bad%20id!/orders",
    init: postJson(line("1", 1)),
    status: 400,
    code: "invalid_argument",
    field: "customerId",
    message: /Customer id "bad id!" must be 1 to 64 letters/,
  },
  {
    name: "customer id longer than 64",
    path: `/api/customers/${"c".repeat(65)}/orders`,
    init: postJson(line("1", 1)),
    status: 400,
    code: "invalid_argument",
    field: "customerId",
    message: /must be 1 to 64/,
  },
  {
    name: "bad idempotency key",
    init: postJson(line("1", 1), { "idempotency-key": "has spaces in it" }),
    status: 400,
    code: "invalid_argument",
    field: "Idempotency-Key",
    message: /Idempotency-Key "has spaces in it" must be 1 to 255 visible ASCII/,
  },
  {
    name: "idempotency key longer than 255",
    init: postJson(line("1", 1), { "idempotency-key": "k".repeat(256) }),
    status: 400,
    code: "invalid_argument",
    field: "Idempotency-Key",
    message: /must be 1 to 255/,
  },
  {
    name: "unknown item",
    init: postJson(line("pizza-xx", 1)),
    status: 422,
    code: "unknown_item",
    field: "items[0].id",
    message: /Unknown item "pizza-xx"/,
  },
  {
    name: "bad order id",
    path: `${ORDERS}/not-a-uuid`,
    init: { method: "GET" },
    status: 400,
    code: "invalid_argument",
    field: "orderId",
    message: /Order id "not-a-uuid" is not a UUID/,
  },
  {
    name: "bad order id on cancel",
    path: `${ORDERS}/123/cancel`,
    init: { method: "POST" },
    status: 400,
    code: "invalid_argument",
    field: "orderId",
    message: /is not a UUID/,
  },
  {
    name: "unknown route",
    path: "/api/nothing-here",
    init: { method: "GET" },
    status: 404,
    code: "not_found",
    message: /No route for GET \/api\/nothing-here/,
  },
  {
    name: "wrong method",
    init: { method: "DELETE" },
    status: 405,
    code: "method_not_allowed",
    message: /Method DELETE is not allowed on \/api\/customers\/alice\/orders; use GET, HEAD, POST/,
  },
];

async function nothingChanged(sys: TestSystem, before: Record<string, number>): Promise<void> {
  assert.deepEqual(await sys.stockLevels(), before, "stock levels changed");
  const res = await sys.request(ORDERS, asAlice);
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).orders, [], "an order was created");
}

Deno.test(
  "bad order requests are answered with status, code, field and message, and change nothing",
  opts,
  async (t) => {
    const sys = await startSystem();
    try {
      const before = await sys.stockLevels();
      for (const r of REJECTIONS) {
        await t.step(`${r.name} -> ${r.status} ${r.code}`, async () => {
          const res = await sys.request(r.path ?? ORDERS, withHeaders(r.init, ALICE));
          assert.equal(res.status, r.status);
          assert.match(res.headers.get("content-type") ?? "", /application\/json/);
          const err = await errorOf(res);
          assert.equal(err.code, r.code);
          if (r.field !== undefined) assert.equal(err.field, r.field);
          assert.match(err.message, r.message);
          if (r.status === 405) assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
          await nothingChanged(sys, before);
        });
      }
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "more than the stock holds is 409 out_of_stock naming the short items, and reserves nothing",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const before = await sys.stockLevels();
      const res = await sys.request(
        ORDERS,
        postJson({ items: [{ id: "2", quantity: 1 }, { id: "1", quantity: 999 }] }, ALICE),
      );
      assert.equal(res.status, 409);
      const body = await res.json();
      assert.equal(body.error.code, "out_of_stock");
      assert.match(body.error.message, /Margherita|"1"|stock/i);
      assert.deepEqual(body.error.items, [{
        id: "1",
        name: "Margherita",
        requested: 999,
        available: before["1"],
      }]);
      await nothingChanged(sys, before);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "POST creates an order: 201, waiting_payment, payment link, Location, traceparent kept",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const before = await sys.stockLevels();
      const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      const res = await sys.request(
        ORDERS,
        postJson({ items: [{ id: "1", quantity: 2 }, { id: "3", quantity: 1 }] }, { traceparent, ...ALICE }),
      );
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("traceparent"), traceparent);
      const order = await res.json() as OrderJson;
      assert.equal(order.status, "waiting_payment");
      assert.equal(order.customerId, "alice");
      assert.match(order.paymentLink, /^http:\/\/127\.0\.0\.1:8080\/pay\/\S+$/);
      assert.equal(res.headers.get("location"), `${ORDERS}/${order.id}`);
      assert.deepEqual(order.items.map((l) => [l.id, l.quantity]), [["1", 2], ["3", 1]]);
      assert.equal(order.items[0]?.name, "Margherita");
      assert.deepEqual(order.total, { amount: 2 * 850 + 1050, currency: "EUR" });
      assert.deepEqual(order.timeline.map((e) => e.status), ["pending", "waiting_payment"]);
      assert.ok(order.timeline.every((e) => e.traceId === "0af7651916cd43dd8448eb211c80319c"));
      assert.ok(!Number.isNaN(Date.parse(order.createdAt ?? "")));

      const again = await sys.request(res.headers.get("location") ?? "", asAlice);
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), order);
      const after = await sys.stockLevels();
      assert.equal(after["1"], (before["1"] ?? 0) - 2);
      assert.equal(after["3"], (before["3"] ?? 0) - 1);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the seed's exact curl (customer 2, no proof in dev's open mode, JSON labelled as a form) orders an existing item",
  opts,
  async () => {
    const sys = await startSystem({ customerAuth: { ...TEST_CUSTOMER_AUTH, open: true } });
    try {
      // what `curl -X POST localhost:8080/api/customers/2/orders -d '{"ID": 123, "Quantity": 2}'` sends
      const seed = (body: string): RequestInit => ({
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "*/*" },
        body,
      });
      const before = await sys.stockLevels();
      const unknown = await sys.request("/api/customers/2/orders", seed('{"ID": 123, "Quantity": 2}'));
      assert.equal(unknown.status, 422);
      const err = await errorOf(unknown);
      assert.equal(err.code, "unknown_item");
      assert.equal(err.field, "items[0].id");
      assert.match(err.message, /Unknown item "123"/);
      assert.match(err.message, /GET \/api\/products/);
      assert.deepEqual(await sys.stockLevels(), before);

      const res = await sys.request("/api/customers/2/orders", seed('{"ID": 1, "Quantity": 2}'));
      assert.equal(res.status, 201);
      const order = await res.json() as OrderJson;
      assert.equal(order.customerId, "2");
      assert.deepEqual(order.items.map((l) => [l.id, l.quantity]), [["1", 2]]);
      assert.equal((await sys.stockLevels())["1"], (before["1"] ?? 0) - 2);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the seed's array and single-object bodies with numeric IDs create the same kind of order",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const a = await sys.request(
        ORDERS,
        postJson([{ ID: 1, Quantity: 1 }, { ID: "2", Quantity: 2 }], ALICE),
      );
      assert.equal(a.status, 201);
      assert.deepEqual((await a.json() as OrderJson).items.map((l) => [l.id, l.quantity]), [["1", 1], [
        "2",
        2,
      ]]);
      const b = await sys.request(ORDERS, postJson({ ID: 4, Quantity: 3 }, ALICE));
      assert.equal(b.status, 201);
      assert.deepEqual((await b.json() as OrderJson).items.map((l) => [l.id, l.quantity]), [["4", 3]]);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a retried POST with the same Idempotency-Key returns the first order and reserves once",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const before = await sys.stockLevels();
      const headers = { "idempotency-key": "retry-me-123", ...ALICE };
      const first = await sys.request(ORDERS, postJson(line("5", 2), headers));
      const second = await sys.request(ORDERS, postJson(line("5", 2), headers));
      assert.equal(first.status, 201);
      const a = await first.json() as OrderJson;
      const b = await second.json() as OrderJson;
      assert.equal(b.id, a.id);
      assert.equal(b.paymentLink, a.paymentLink);
      assert.equal((await sys.stockLevels())["5"], (before["5"] ?? 0) - 2);
      const list = await (await sys.request(ORDERS, asAlice)).json();
      assert.equal(list.orders.length, 1);
      // Another customer's identical key is a different order.
      const other = await sys.request(
        "/api/customers/bob/orders",
        postJson(line("5", 2), { ...headers, ...BOB }),
      );
      assert.notEqual((await other.json() as OrderJson).id, a.id);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("customers see only their own orders, newest first, paged by cursor", opts, async () => {
  const sys = await startSystem();
  try {
    const ids: string[] = [];
    for (const id of ["1", "2", "3"]) {
      const res = await sys.request(ORDERS, postJson(line(id, 1), ALICE));
      ids.push((await res.json() as OrderJson).id);
    }
    const bob = await sys.request("/api/customers/bob/orders", postJson(line("1", 1), BOB));
    const bobOrder = await bob.json() as OrderJson;

    const page1 = await (await sys.request(`${ORDERS}?limit=2`, asAlice)).json();
    assert.deepEqual(page1.orders.map((o: OrderJson) => o.id), [ids[2], ids[1]]);
    assert.ok(page1.nextCursor);
    const page2 =
      await (await sys.request(`${ORDERS}?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`, asAlice))
        .json();
    assert.deepEqual(page2.orders.map((o: OrderJson) => o.id), [ids[0]]);
    assert.equal(page2.nextCursor, "");

    const notMine = await sys.request(`${ORDERS}/${bobOrder.id}`, asAlice);
    assert.equal(notMine.status, 404);
    assert.equal((await errorOf(notMine)).code, "not_found");
    const missing = await sys.request(`${ORDERS}/${crypto.randomUUID()}`, asAlice);
    assert.equal(missing.status, 404);
    const badLimit = await sys.request(`${ORDERS}?limit=0`, asAlice);
    assert.equal(badLimit.status, 400);
    assert.equal((await errorOf(badLimit)).field, "limit");
  } finally {
    await sys.stop();
  }
});

Deno.test("cancel releases an unpaid order; cancelling another customer's order is 404", opts, async () => {
  const sys = await startSystem();
  try {
    const created = await (await sys.request(ORDERS, postJson(line("6", 1), ALICE))).json() as OrderJson;
    const foreign = await sys.request(`/api/customers/bob/orders/${created.id}/cancel`, {
      method: "POST",
      headers: BOB,
    });
    assert.equal(foreign.status, 404);
    const res = await sys.request(`${ORDERS}/${created.id}/cancel`, { method: "POST", headers: ALICE });
    assert.equal(res.status, 200);
    const cancelled = await res.json() as OrderJson;
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.timeline.at(-1)?.status, "cancelled");
    const wrongMethod = await sys.request(`${ORDERS}/${created.id}/cancel`, asAlice);
    assert.equal(wrongMethod.status, 405);
  } finally {
    await sys.stop();
  }
});

Deno.test("with payments down the order is accepted as pending: 202 without a link", opts, async () => {
  const sys = await startSystem({ payments: "down" });
  try {
    const res = await sys.request(ORDERS, postJson(line("1", 1), ALICE));
    assert.equal(res.status, 202);
    const order = await res.json() as OrderJson;
    assert.equal(order.status, "pending");
    assert.equal(order.paymentLink, "");
    assert.equal(res.headers.get("location"), `${ORDERS}/${order.id}`);
  } finally {
    await sys.stop();
  }
});
