import assert from "node:assert/strict";
import { ageBucket, openTicketsGauge } from "./metrics.ts";

Deno.test("age buckets split at 5, 10 and 20 minutes", () => {
  assert.equal(ageBucket(0), "lt5m");
  assert.equal(ageBucket(5 * 60_000), "5to10m");
  assert.equal(ageBucket(19 * 60_000), "10to20m");
  assert.equal(ageBucket(20 * 60_000), "ge20m");
});

Deno.test("open tickets are counted by status and age from the status index keys", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const now = 100 * 60_000;
    await kv.set(["tickets_by_status", "queued", now - 60_000, "a"], "a");
    await kv.set(["tickets_by_status", "queued", now - 7 * 60_000, "b"], "b");
    await kv.set(["tickets_by_status", "preparing", now - 30 * 60_000, "c"], "c");
    await kv.set(["tickets_by_status", "completed", now, "d"], "d"); // not open
    const seen: Record<string, number> = {};
    await openTicketsGauge(kv, () => now)((gauge, value, attrs) => {
      assert.equal(gauge, "kitchenOpenTickets");
      seen[`${attrs!.status}/${attrs!.age}`] = value;
    });
    assert.equal(Object.keys(seen).length, 12); // every status and bucket, zeros included
    assert.equal(seen["queued/lt5m"], 1);
    assert.equal(seen["queued/5to10m"], 1);
    assert.equal(seen["preparing/ge20m"], 1);
    assert.equal(seen["ready/lt5m"], 0);
  } finally {
    kv.close();
  }
});
