import assert from "node:assert/strict";
import { readAhead, readAheadKeysOf, ReadSnapshot, withReadAhead } from "./read_ahead.ts";
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
