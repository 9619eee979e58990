import assert from "node:assert/strict";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { CATALOG_TTL_MS, CatalogCache } from "./catalog_cache.ts";

const item = (id: string, available: number) => ({ id, available }) as unknown as Item;

/** A cache on a clock the test moves, and a read that counts its calls and answers what `next` says. */
function fixture() {
  let now = 1_000_000;
  const cache = new CatalogCache(CATALOG_TTL_MS, () => now);
  let reads = 0;
  let available = 10;
  const read = () => {
    reads++;
    return Promise.resolve([item("1", available)]);
  };
  return {
    cache,
    read,
    reads: () => reads,
    tick: (ms: number) => void (now += ms),
    setAvailable: (n: number) => void (available = n),
  };
}

Deno.test("the catalog is read once and served from memory within the TTL, read again after it", async () => {
  const f = fixture();
  assert.equal((await f.cache.get(f.read))[0]!.available, 10);
  f.setAvailable(9);
  f.tick(CATALOG_TTL_MS - 1);
  assert.equal((await f.cache.get(f.read))[0]!.available, 10, "a hit: no second read");
  assert.equal(f.reads(), 1);
  f.tick(1);
  assert.equal((await f.cache.get(f.read))[0]!.available, 9, "expired: read again");
  assert.equal(f.reads(), 2);
});

Deno.test("concurrent requests share one read (single flight), and a failed read is not kept", async () => {
  const f = fixture();
  const gate = Promise.withResolvers<Item[]>();
  let reads = 0;
  const slow = () => {
    reads++;
    return gate.promise;
  };
  const waiting = [f.cache.get(slow), f.cache.get(slow), f.cache.get(slow)];
  gate.resolve([item("1", 5)]);
  for (const items of await Promise.all(waiting)) assert.equal(items[0]!.available, 5);
  assert.equal(reads, 1);

  const failing = new CatalogCache(CATALOG_TTL_MS);
  let attempts = 0;
  const broken = () => {
    attempts++;
    return Promise.reject(new Error("stock is down"));
  };
  const both = [failing.get(broken), failing.get(broken)];
  for (const p of both) await assert.rejects(p, /stock is down/);
  assert.equal(attempts, 1, "the waiting request shares the failure");
  await assert.rejects(failing.get(broken), /stock is down/);
  assert.equal(attempts, 2, "the failure was not kept");
});

Deno.test("invalidation makes the next request read stock, and a read under way then is not kept", async () => {
  const f = fixture();
  await f.cache.get(f.read);
  f.setAvailable(7);
  f.cache.invalidate();
  assert.equal((await f.cache.get(f.read))[0]!.available, 7);
  assert.equal(f.reads(), 2);

  const gate = Promise.withResolvers<Item[]>();
  f.tick(CATALOG_TTL_MS);
  const before = f.cache.get(() => gate.promise); // a read that started before the change
  f.cache.invalidate();
  gate.resolve([item("1", 99)]);
  assert.equal((await before)[0]!.available, 99);
  assert.equal((await f.cache.get(f.read))[0]!.available, 7, "the older read was not kept");
  assert.equal(f.reads(), 3);
});
