import assert from "node:assert/strict";
import { BUCKET_MS, bucketOf, signed, u64 } from "./running_sums.ts";

Deno.test("buckets are quarter hours, before 1970 too", () => {
  assert.equal(bucketOf(BUCKET_MS * 3 + 1), BUCKET_MS * 3);
  assert.equal(bucketOf(-1), -BUCKET_MS);
});

Deno.test("a KV sum of u64 addends goes down as well as up, and reads back signed", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.atomic().sum(["n"], u64(5)).commit();
    await kv.atomic().sum(["n"], u64(-7)).commit();
    assert.equal(signed((await kv.get<Deno.KvU64>(["n"])).value!), -2);
  } finally {
    kv.close();
  }
});
