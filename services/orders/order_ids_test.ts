import assert from "node:assert/strict";
import { withKv } from "./indexes_testing.ts";
import { KeyedOrderIds, ORDER_ID_SECRET_KEY } from "./order_ids.ts";

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
