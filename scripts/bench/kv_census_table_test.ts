import assert from "node:assert/strict";
import { formatKvCensus, kvCensusRows } from "./kv_census_table.ts";

Deno.test("the census rows divide each store's counts by the orders placed, and sum writes, checks and reads", () => {
  const rows = kvCensusRows({
    stock: {
      commits: 300,
      "write:items": 400,
      "write:inbox": 200,
      "check:items": 400,
      "read:items": 800,
      read_calls: 300,
    },
    orders: {
      commits: 100,
      commits_failed: 2,
      "write:orders": 500,
      "write:change_feed": 500,
      "write:outbox": 140,
      "check:orders": 500,
      "read:orders": 600,
      "read:inbox": 300,
      read_calls: 400,
      "list:change_feed": 40,
    },
  }, 100);
  assert.deepEqual(rows, [
    {
      store: "orders",
      commits: 1,
      failedCommits: 0.02,
      writes: 11.4,
      checks: 5,
      reads: 9,
      readCalls: 4,
      lists: 0.4,
      writesByPrefix: [["change_feed", 5], ["orders", 5], ["outbox", 1.4]],
    },
    {
      store: "stock",
      commits: 3,
      failedCommits: 0,
      writes: 6,
      checks: 4,
      reads: 8,
      readCalls: 3,
      lists: 0,
      writesByPrefix: [["items", 4], ["inbox", 2]],
    },
  ]);
  assert.deepEqual(kvCensusRows({ stock: { commits: 1 } }, 0), [], "no orders: nothing to divide by");
});

Deno.test("the census prints one row per store and the prefixes each writes most; nothing without rows", () => {
  const lines = formatKvCensus(
    kvCensusRows({
      orders: {
        commits: 10,
        "write:orders": 50,
        "write:outbox": 20,
        "write:inbox": 30,
        "read:orders": 40,
        read_calls: 20,
      },
    }, 10),
    2,
  );
  const text = lines.join("\n");
  assert.match(text, /KV work per order \(--kv-census\)\s+commits\s+failed\s+keys written/);
  assert.match(text, /orders\s+1\.00\s+0\.00\s+10\.00\s+0\.00\s+4\.00\s+2\.00\s+0\.00/);
  assert.match(text, /orders writes most: orders 5\.00, inbox 3\.00$/);
  assert.deepEqual(formatKvCensus([]), []);
});
