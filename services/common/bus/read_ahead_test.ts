import assert from "node:assert/strict";
import { inboxKeyOf } from "./inbox.ts";
import { readAhead, readAheadKeysOf, readInboxAndAhead, ReadSnapshot, withReadAhead } from "./read_ahead.ts";
import type { EventHandler } from "./types.ts";

Deno.test("a snapshot serves a read only when it holds every key, and each entry once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["a"], 1);
    const snapshot = await readAhead(kv, [["a"], ["b"], ["a"]]);
    assert.equal(snapshot.size, 2, "a key asked for twice is read once");
    assert.equal(snapshot.serve([["a"], ["c"]]), undefined, "not all held: nothing served, nothing taken");
    assert.equal(snapshot.size, 2);
    const served = snapshot.serve([["b"], ["a"]])!;
    assert.deepEqual(served.map((e) => [e.key, e.value]), [[["b"], null], [["a"], 1]], "in the order asked");
    assert.ok(served[1]!.versionstamp, "with the versionstamp read");
    assert.equal(snapshot.serve([["a"]]), undefined, "served once");
    assert.equal(new ReadSnapshot().serve([["x"]]), undefined, "an empty snapshot serves nothing");
  } finally {
    kv.close();
  }
});

Deno.test("read-ahead reads at most 10 keys per getMany, all chunks at once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const sizes: number[] = [];
    const counted = new Proxy(kv, {
      get(target, prop) {
        if (prop === "getMany") {
          return (keys: Deno.KvKey[]) => {
            sizes.push(keys.length);
            return target.getMany(keys);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const snapshot = await readAhead(counted, Array.from({ length: 23 }, (_, i) => ["k", i]));
    assert.deepEqual(sizes, [10, 10, 3]);
    assert.equal(snapshot.size, 23);
  } finally {
    kv.close();
  }
});

Deno.test("a handler marked with read-ahead keys names them per event; an unmarked one names none", () => {
  const plain: EventHandler<"order.paid"> = () => Promise.resolve();
  const event = { orderId: "o-1" } as Parameters<EventHandler<"order.paid">>[0];
  assert.deepEqual(readAheadKeysOf(plain, event), []);
  const marked = withReadAhead<"order.paid">(() => Promise.resolve(), (e) => [["orders", e.orderId]]);
  assert.deepEqual(readAheadKeysOf(marked, event), [["orders", "o-1"]]);
});

Deno.test("a lone delivery's inbox entry and read-ahead keys are one getMany", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(inboxKeyOf("m-seen"), 1);
    await kv.set(["a"], 1);
    const calls: Deno.KvKey[][] = [];
    const getMany = kv.getMany.bind(kv);
    kv.getMany = ((keys: Deno.KvKey[]) => {
      calls.push(keys);
      return getMany(keys);
    }) as typeof kv.getMany;
    const fresh = await readInboxAndAhead(kv, "m-new", [["a"], ["b"], ["a"]]);
    assert.deepEqual(calls, [[inboxKeyOf("m-new"), ["a"], ["b"]]], "one read, a key asked twice once");
    assert.equal(fresh.inbox.take("m-new"), false);
    assert.equal(fresh.inbox.take("m-new"), undefined, "each answer once");
    assert.deepEqual(fresh.snapshot.serve([["a"], ["b"]])!.map((e) => e.value), [1, null]);
    const seen = await readInboxAndAhead(kv, "m-seen", [["a"]]);
    assert.equal(seen.inbox.take("m-seen"), true);
    const nine = Array.from({ length: 9 }, (_, i): Deno.KvKey => ["k", i]);
    await readInboxAndAhead(kv, "m-9", nine);
    assert.equal(calls.at(-1)!.length, 10, "up to Deno KV's 10 keys");
    await assert.rejects(readInboxAndAhead(kv, "m-10", [...nine, ["k", 9]]), RangeError);
    await assert.rejects(readInboxAndAhead(kv, "", [["a"]]), RangeError);
  } finally {
    kv.close();
  }
});
