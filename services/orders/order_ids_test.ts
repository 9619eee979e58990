import assert from "node:assert/strict";
import { withKv } from "./indexes_testing.ts";
import { KeyedOrderIds, newOrderId, ORDER_ID_SECRET_KEY } from "./order_ids.ts";

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("a key's order id is a UUIDv8, the same every time, and differs by customer and key", async () => {
  await withKv(async (kv) => {
    const ids = new KeyedOrderIds(kv);
    const id = await ids.idFor("alice", "k1");
    assert.match(id, UUID_V8);
    assert.equal(await ids.idFor("alice", "k1"), id);
    const others = [
      await ids.idFor("bob", "k1"),
      await ids.idFor("alice", "k2"),
      // no pair can be spelled as another: "al" + "ice|k1" is not "alice" + "k1"
      await ids.idFor("al", "ice|k1"),
      await ids.idFor("alice|k1", ""),
    ];
    assert.equal(new Set([id, ...others]).size, 5);
  });
});

Deno.test("every process on one store derives the same ids from one secret made once, even when they race", async () => {
  await withKv(async (kv) => {
    // two processes' id makers on one store (two handles on one SQLite file in one process answer
    // "database is locked"; processes share a store through KV Connect, where the same check applies)
    const [a, b] = await Promise.all([
      new KeyedOrderIds(kv).idFor("alice", "k"),
      new KeyedOrderIds(kv).idFor("alice", "k"),
    ]);
    assert.equal(a, b);
    const secret = await kv.get<Uint8Array>(ORDER_ID_SECRET_KEY);
    assert.ok(secret.value instanceof Uint8Array && secret.value.byteLength === 32);
    assert.equal(await new KeyedOrderIds(kv).idFor("alice", "k"), a, "a restarted process agrees");
  });
});

Deno.test("another store's secret gives other ids: an order id cannot be computed from a customer and key", async () => {
  await withKv(async (one) => {
    await withKv(async (two) => {
      assert.notEqual(
        await new KeyedOrderIds(one).idFor("alice", "k"),
        await new KeyedOrderIds(two).idFor("alice", "k"),
      );
    });
  });
});

Deno.test("a damaged secret fails loudly, and a later call tries again", async () => {
  await withKv(async (kv) => {
    await kv.set(ORDER_ID_SECRET_KEY, "not bytes");
    const ids = new KeyedOrderIds(kv);
    await assert.rejects(ids.idFor("alice", "k"), /is not 32 bytes/);
    await kv.delete(ORDER_ID_SECRET_KEY);
    assert.match(await ids.idFor("alice", "k"), UUID_V8);
  });
});

/** The id's first 48 bits as a number (the millisecond timestamp of a time-ordered id). */
function timeOf(id: string): number {
  return parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}

Deno.test("a UUIDv7 key's order id starts with the key's timestamp and keeps 74 bits of HMAC", async () => {
  await withKv(async (kv) => {
    const ids = new KeyedOrderIds(kv);
    const key = "01a23d22-2f54-732d-a81e-8fb80f1c4704";
    const id = await ids.idFor("alice", key);
    assert.match(id, UUID_V8);
    assert.equal(timeOf(id), 0x01a23d222f54, "the key's time");
    assert.equal(await ids.idFor("alice", key), id, "the same every time");
    const bob = await ids.idFor("bob", key);
    assert.equal(timeOf(bob), timeOf(id));
    assert.notEqual(bob.slice(14), id.slice(14), "the rest differs by customer");
    const upper = await ids.idFor("alice", key.toUpperCase());
    assert.equal(timeOf(upper), timeOf(id), "an upper-case UUIDv7 is one too");
    assert.notEqual(upper, id, "but another key");
  });
});

Deno.test("keys that are not UUIDv7s give ids whose start is the HMAC's, not a time", async () => {
  await withKv(async (kv) => {
    const ids = new KeyedOrderIds(kv);
    const v4 = "3f2b8a1e-9c4d-4e5f-8a6b-7c8d9e0f1a2b";
    const v7 = "01a23d22-2f54-732d-a81e-8fb80f1c4704";
    // a v4 key with the v7 key's first bytes: only the version makes the difference
    const lookalike = `01a23d22-2f54-432d-a81e-8fb80f1c4704`;
    const starts = await Promise.all(
      ["k1", "k2", "k3", v4, lookalike].map(async (k) => timeOf(await ids.idFor("alice", k))),
    );
    assert.ok(!starts.includes(0x01a23d222f54), `none starts with the time: ${starts}`);
    assert.equal(timeOf(await ids.idFor("alice", v7)), 0x01a23d222f54);
  });
});

Deno.test("orders without a key get UUIDv7s: unique, and in the order they were made, by the millisecond", () => {
  const made = Array.from({ length: 1000 }, () => newOrderId());
  assert.equal(new Set(made).size, made.length);
  for (const id of made) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  const times = made.map(timeOf);
  assert.deepEqual([...times].sort((a, b) => a - b), times, "their times sorted as made");
  const now = Date.now();
  assert.ok(Math.abs(timeOf(made.at(-1)!) - now) < 5000, "starts with the time");
});
