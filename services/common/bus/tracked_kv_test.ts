import assert from "node:assert/strict";
import { TouchedKeys } from "./touched_keys.ts";
import { trackedKv } from "./tracked_kv.ts";

Deno.test("reads through the tracked store are noted; everything else is the store itself", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["a", 1], "one");
    const touched = new TouchedKeys();
    const view = trackedKv(kv, touched);
    assert.equal((await view.get<string>(["a", 1])).value, "one");
    assert.deepEqual((await view.getMany<string[]>([["b"], ["c"]])).map((e) => e.value), [null, null]);
    assert.equal((await Array.fromAsync(view.list({ prefix: ["a"] }))).length, 1);
    const probe = (key: Deno.KvKey) => {
      const w = new TouchedKeys();
      w.write(key);
      return touched.overlaps(w);
    };
    assert.ok(probe(["a", 1]), "get");
    assert.ok(probe(["b"]) && probe(["c"]), "getMany");
    assert.ok(probe(["a", 2]), "list by prefix");
    assert.ok(!probe(["d"]));
    // methods that are not reads still work (they use the store's private state)
    await view.set(["d"], 4);
    assert.equal((await kv.get(["d"])).value, 4);
    assert.ok(!probe(["d"]), "a direct write is not a read");
    const ranged = new TouchedKeys();
    await Array.fromAsync(trackedKv(kv, ranged).list({ start: ["a"], end: ["b"] }));
    const w = new TouchedKeys();
    w.write(["zzz"]);
    assert.ok(ranged.overlaps(w), "a start/end listing overlaps any write");
  } finally {
    kv.close();
  }
});
