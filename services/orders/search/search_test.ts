import assert from "node:assert/strict";
import { create, details, move, withKv } from "../indexes_testing.ts";
import { searchOrders, type SearchRequest } from "./search.ts";

const T0 = Date.UTC(2026, 10, 30, 9, 0);

function req(r: Partial<SearchRequest>): SearchRequest {
  return { query: "", statuses: [], paymentStates: [], pageSize: 50, cursor: "", ...r };
}

async function ids(kv: Deno.Kv, r: Partial<SearchRequest>): Promise<string[]> {
  return (await searchOrders(kv, req(r))).orders.map((o) => o.id);
}

Deno.test("search finds an order by number, name, phone, email, order id and customer id", async () => {
  await withKv(async (kv) => {
    const ada = await create(kv, {
      id: "00000000-0000-4000-8000-00000000000a",
      customerId: "cust-ada",
      number: 1042,
      at: T0,
      details: details("Ada Lovelace", "+49 30 1234567", "Ada@Example.org"),
    });
    await create(kv, {
      number: 1043,
      customerId: "cust-bob",
      at: T0 + 1,
      details: details("Bob Ross", "", "bob@x.org"),
    });
    assert.deepEqual(await ids(kv, { query: "#1042" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "1042" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "lovelace" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "ADA  Lovelace" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "Ada Ross" }), []);
    assert.deepEqual(await ids(kv, { query: "030 1234567" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "ada@example.org" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: ada.id.toUpperCase() }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "cust-ada" }), [ada.id]);
    assert.deepEqual(await ids(kv, { query: "nobody" }), []);
  });
});

Deno.test("filters combine: status, payment state and created range, newest first", async () => {
  await withKv(async (kv) => {
    const a = await create(kv, { at: T0, details: details("Ann") });
    const b = await create(kv, { at: T0 + 60_000, details: details("Ann") });
    const c = await create(kv, { at: T0 + 120_000, details: details("Ann") });
    await create(kv, { at: T0 + 180_000, details: details("Zed") });
    await move(kv, a.id, T0 + 1000, "paid", "refunded");
    await move(kv, b.id, T0 + 1000, "paid", "preparing");
    await move(kv, c.id, T0 + 1000, "cancelled");
    assert.deepEqual(await ids(kv, { query: "ann" }), [c.id, b.id, a.id]);
    assert.deepEqual(await ids(kv, { statuses: ["preparing", "refunded"] }), [b.id, a.id]);
    assert.deepEqual(await ids(kv, { paymentStates: ["refunded"] }), [a.id]);
    assert.deepEqual(await ids(kv, { query: "ann", paymentStates: ["unpaid"] }), [c.id]);
    assert.deepEqual(
      await ids(kv, { query: "ann", from: new Date(T0 + 60_000), until: new Date(T0 + 120_000) }),
      [b.id],
    );
    assert.deepEqual(await ids(kv, { statuses: ["paid"] }), []);
  });
});

Deno.test("pages follow each other by cursor without gaps or repeats, and end with no cursor", async () => {
  await withKv(async (kv) => {
    const made: string[] = [];
    for (let i = 0; i < 25; i++) {
      made.unshift(
        (await create(kv, { at: T0 + i * 1000, customerId: `c${i % 3}`, details: details("Eve") })).id,
      );
    }
    for (const q of [{}, { query: "eve" }, { statuses: ["pending" as const] }]) {
      const seen: string[] = [];
      let cursor = "";
      do {
        const page = await searchOrders(kv, req({ ...q, pageSize: 10, cursor }));
        seen.push(...page.orders.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, made, JSON.stringify(q));
    }
    await assert.rejects(() => searchOrders(kv, req({ cursor: "garbage" })), /Cursor "garbage"/);
  });
});
