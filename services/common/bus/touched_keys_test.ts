import assert from "node:assert/strict";
import { keyId, TouchedKeys } from "./touched_keys.ts";

function touched(f: (t: TouchedKeys) => void): TouchedKeys {
  const t = new TouchedKeys();
  f(t);
  return t;
}

Deno.test("keyId is equal exactly for equal keys, whatever the part types", () => {
  assert.equal(keyId(["orders", "o-1"]), keyId(["orders", "o-1"]));
  assert.notEqual(keyId(["orders", "o-1"]), keyId(["orders", "o-2"]));
  assert.notEqual(keyId(["a", 1]), keyId(["a", "1"]));
  assert.notEqual(keyId(["a", 1]), keyId(["a", 1n]));
  assert.notEqual(keyId(["a\u0000b"]), keyId(["a", "b"]), "the separator inside a string part");
  assert.equal(keyId([new Uint8Array([1, 255])]), keyId([new Uint8Array([1, 255])]));
  assert.notEqual(keyId([true]), keyId([false]));
  assert.equal(keyId([0]), keyId([-0]), "Deno KV stores -0 and 0 as one number key");
});

Deno.test("a write overlaps a read, a check or a write of the same key; reads alone never overlap", () => {
  const writer = touched((t) => t.write(["orders", "o-1"]));
  assert.ok(writer.overlaps(touched((t) => t.read(["orders", "o-1"]))));
  assert.ok(touched((t) => t.read(["orders", "o-1"])).overlaps(writer), "symmetric");
  assert.ok(writer.overlaps(touched((t) => t.write(["orders", "o-1"]))));
  assert.ok(!writer.overlaps(touched((t) => t.write(["orders", "o-2"]))));
  assert.ok(!touched((t) => t.read(["x"])).overlaps(touched((t) => t.read(["x"]))));
});

Deno.test("a listed prefix overlaps a write under it; a start/end range overlaps any write", () => {
  const lister = touched((t) => t.readPrefix(["stock"]));
  assert.ok(lister.overlaps(touched((t) => t.write(["stock", "item-1"]))));
  assert.ok(!lister.overlaps(touched((t) => t.write(["orders", "item-1"]))));
  assert.ok(touched((t) => t.readPrefix([])).overlaps(touched((t) => t.write(["anything"]))));
  const ranger = touched((t) => t.readEverything());
  assert.ok(ranger.overlaps(touched((t) => t.write(["z"]))));
  assert.ok(!ranger.overlaps(touched((t) => t.read(["z"]))), "a range read meets no other read");
});

Deno.test("addAll accumulates a batch: a later member overlaps what any earlier member touched", () => {
  const batch = new TouchedKeys();
  batch.addAll(touched((t) => t.write(["inbox", "m-1"])));
  batch.addAll(touched((t) => t.readPrefix(["tickets"])));
  assert.ok(batch.overlaps(touched((t) => t.read(["inbox", "m-1"]))));
  assert.ok(batch.overlaps(touched((t) => t.write(["tickets", "t-9"]))));
  assert.ok(!batch.overlaps(touched((t) => t.write(["inbox", "m-2"]))));
  assert.equal(batch.readOnly, false);
});

Deno.test("a listed prefix meets only the keys under it, whatever their parts hold", () => {
  const lister = (prefix: Deno.KvKey) => touched((t) => t.readPrefix(prefix));
  const writer = (key: Deno.KvKey) => touched((t) => t.write(key));
  assert.ok(lister(["a", 1]).overlaps(writer(["a", 1, "x"])));
  assert.ok(!lister(["a", 1]).overlaps(writer(["a", 12])), "a number part is not a text prefix");
  assert.ok(!lister(["ab"]).overlaps(writer(["ab\u0000", "x"])), "a separator inside a string part");
  assert.ok(!lister(["ab"]).overlaps(writer(["abc"])));
  assert.ok(!lister(["a"]).overlaps(writer(["a\u0000s1:b"])), "a string that looks like two parts");
  assert.ok(lister(["a"]).overlaps(writer(["a", "b"])));
  assert.ok(lister([new Uint8Array([1])]).overlaps(writer([new Uint8Array([1]), 2])));
  assert.ok(!lister([new Uint8Array([1])]).overlaps(writer([new Uint8Array([1, 2])])));
});

Deno.test("keyId tells apart string parts that embed what another key's parts look like", () => {
  assert.notEqual(keyId(["a\u0000s1:b"]), keyId(["a", "b"]));
  assert.notEqual(keyId(["s1:a"]), keyId(["a"]));
  assert.notEqual(keyId([""]), keyId([]));
  assert.notEqual(keyId(["", ""]), keyId([""]));
});

Deno.test("writesReadBy: only a later read, check or listing of an earlier write forces an order", () => {
  const earlier = touched((t) => {
    t.read(["orders", "o-1"]);
    t.write(["orders", "o-1"]);
    t.write(["counts", "paid"]);
  });
  assert.ok(earlier.writesReadBy(touched((t) => t.read(["orders", "o-1"]))), "a read of what it wrote");
  assert.ok(earlier.writesReadBy(touched((t) => t.readPrefix(["counts"]))), "a listing over what it wrote");
  assert.ok(earlier.writesReadBy(touched((t) => t.readEverything())));
  assert.ok(!earlier.writesReadBy(touched((t) => t.write(["counts", "paid"]))), "two writes of a counter");
  assert.ok(!earlier.writesReadBy(touched((t) => t.write(["orders", "o-1"]))), "a later blind write");
  assert.ok(
    !touched((t) => t.write(["x"])).writesReadBy(touched((t) => t.read(["y"]))),
    "unrelated keys",
  );
  assert.ok(
    !touched((t) => t.read(["orders", "o-1"])).writesReadBy(touched((t) => t.write(["orders", "o-1"]))),
    "a later write of what the earlier one only read",
  );
});
