import assert from "node:assert/strict";
import {
  CENSUS_WRITE_MS,
  censusDelta,
  censusName,
  countKvWork,
  KV_CENSUS_VAR,
  readCensus,
} from "./kv_census.ts";
import { openStore } from "./kv.ts";

Deno.test("the census counts commits, and the keys written, checked and read, by their first part", async () => {
  using kv = await Deno.openKv(":memory:");
  const counts = countKvWork(kv);
  const ok = await kv.atomic()
    .check({ key: ["orders", "a"], versionstamp: null })
    .set(["orders", "a"], 1)
    .set(["orders_by_status", "placed", "a"], "a")
    .sum(["order_counts", "placed"], 1n)
    .mutate({ type: "delete", key: ["outbox", "x"] })
    .commit();
  assert.equal(ok.ok, true);
  const failed = await kv.atomic().check({ key: ["orders", "a"], versionstamp: null }).set(["orders", "a"], 2)
    .commit();
  assert.equal(failed.ok, false);
  await kv.set(["inbox", "m1"], 1);
  await kv.delete(["inbox", "m0"]);
  await kv.getMany([["orders", "a"], ["inbox", "m1"]]);
  await kv.get(["orders", "a"]);
  for await (const _ of kv.list({ prefix: ["orders_by_status"] })) { /* drained */ }

  assert.deepEqual(counts, {
    commits: 3,
    commits_failed: 1,
    "check:orders": 2,
    "write:orders": 2,
    "write:orders_by_status": 1,
    "write:order_counts": 1,
    "write:outbox": 1,
    "write:inbox": 2,
    read_calls: 2,
    "read:orders": 2,
    "read:inbox": 1,
    "list:orders_by_status": 1,
  });
  assert.equal((await kv.get(["orders", "a"])).value, 1, "the wrapped store still does what it is asked");
});

Deno.test("openStore counts nothing unless the census folder is set, and writes running counts when it is", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plainAtomic = Deno.Kv.prototype.atomic;
    {
      using kv = await openStore(`${dir}/plain.kv`, {});
      assert.equal(kv.atomic, plainAtomic, "no census: the store's methods are its own");
    }
    const censusDir = `${dir}/census`;
    const kv = await openStore(`${dir}/orders.kv`, { [KV_CENSUS_VAR]: censusDir });
    const before = readCensus(censusDir);
    assert.deepEqual(before, { orders: {} });
    await kv.atomic().set(["orders", "a"], 1).set(["outbox", "1"], 1).commit();
    await new Promise((r) => setTimeout(r, CENSUS_WRITE_MS * 2 + 50));
    assert.deepEqual(censusDelta(before, readCensus(censusDir)), {
      orders: { commits: 1, "write:orders": 1, "write:outbox": 1 },
    });
    await kv.getMany([["orders", "a"]]);
    kv.close(); // writes the last counts, stops writing, and still releases the file's lock
    assert.equal(readCensus(censusDir).orders!["read:orders"], 1);
    using again = await openStore(`${dir}/orders.kv`, {});
    assert.equal((await again.get(["orders", "a"])).value, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a counted store let go with `using` writes its last counts and releases its file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const censusDir = `${dir}/census`;
    {
      using kv = await openStore(`${dir}/stock.kv`, { [KV_CENSUS_VAR]: censusDir });
      await kv.set(["items", "1"], 1);
    }
    // read at once, before the running write's interval: only the disposal wrote this
    assert.deepEqual(readCensus(censusDir), { stock: { commits: 1, "write:items": 1 } });
    using again = await openStore(`${dir}/stock.kv`, {});
    assert.equal((await again.get(["items", "1"])).value, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("census files are named for their store; a missing folder reads as none", () => {
  assert.equal(censusName("/data/orders.kv"), "orders");
  assert.equal(censusName("https://kv.example/db"), "db");
  assert.equal(censusName(":memory:"), "_memory_");
  assert.deepEqual(readCensus("/nonexistent/census"), {});
  assert.deepEqual(
    censusDelta({ s: { commits: 2, "write:a": 1 } }, { s: { commits: 5, "write:a": 1 }, t: { commits: 1 } }),
    { s: { commits: 3 }, t: { commits: 1 } },
  );
});
