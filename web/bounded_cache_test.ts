import assert from "node:assert/strict";
import { BoundedCache } from "./bounded_cache.ts";

Deno.test("a cached value is returned until it expires", () => {
  const cache = new BoundedCache<string, number>(4);
  cache.set("a", 1, 1000);
  assert.equal(cache.get("a", 999), 1);
  assert.equal(cache.get("a", 1000), undefined);
  assert.equal(cache.size, 0, "an expired entry is dropped when looked up");
  cache.set("b", 2);
  assert.equal(cache.get("b", Number.MAX_SAFE_INTEGER), 2, "no expiry: kept until evicted");
});

Deno.test("the least recently used entry is evicted first", () => {
  const cache = new BoundedCache<string, number>(2);
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.get("a"), 1); // a is now the most recent
  cache.set("c", 3);
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a"), 1);
  assert.equal(cache.get("c"), 3);
});

Deno.test("delete and clear forget entries; a bound below 1 is refused", () => {
  const cache = new BoundedCache<string, number>(3);
  cache.set("a", 1);
  cache.set("b", 2);
  cache.delete("a");
  assert.equal(cache.get("a"), undefined);
  cache.clear();
  assert.equal(cache.get("b"), undefined);
  assert.throws(() => new BoundedCache(0), RangeError);
});
