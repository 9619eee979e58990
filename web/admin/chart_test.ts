import assert from "node:assert/strict";
import { barsOf, bucketOrders, niceMax, rangeStart } from "./chart.ts";

Deno.test("bucketOrders counts orders per hour over the last 24 hours, ignoring older and future ones", () => {
  const now = new Date("2025-03-07T14:20:00Z");
  const buckets = bucketOrders(
    [
      new Date("2025-03-07T14:05:00Z"),
      new Date("2025-03-07T14:59:59Z"),
      new Date("2025-03-07T13:00:00Z"),
      new Date("2025-03-06T15:00:00Z"),
      new Date("2025-03-06T14:59:59Z"),
      new Date("2025-03-07T15:00:00Z"),
    ],
    "24h",
    now,
  );
  assert.equal(buckets.length, 24);
  assert.deepEqual(buckets[0], { start: "2025-03-06T15:00:00.000Z", label: "15:00", count: 1 });
  assert.equal(buckets[22]!.count, 1);
  assert.deepEqual(buckets[23], { start: "2025-03-07T14:00:00.000Z", label: "14:00", count: 2 });
  assert.equal(buckets.reduce((n, b) => n + b.count, 0), 4);
  assert.equal(rangeStart("24h", now).toISOString(), "2025-03-06T15:00:00.000Z");
});

Deno.test("bucketOrders by day labels days and covers 14 of them", () => {
  const buckets = bucketOrders([new Date("2025-03-01T01:00:00Z")], "14d", new Date("2025-03-07T14:20:00Z"));
  assert.equal(buckets.length, 14);
  assert.equal(buckets[0]!.label, "02-22");
  assert.equal(buckets.find((b) => b.label === "03-01")?.count, 1);
});

Deno.test("niceMax rounds the axis up to 1, 2 or 5 times a power of ten; bars fit the plot", () => {
  assert.deepEqual([0, 1, 3, 7, 10, 11, 48, 120].map(niceMax), [1, 1, 5, 10, 10, 20, 50, 200]);
  const { bars, max } = barsOf(
    [
      { start: "", label: "", count: 0 },
      { start: "", label: "", count: 5 },
      { start: "", label: "", count: 10 },
    ],
    300,
    100,
  );
  assert.equal(max, 10);
  assert.deepEqual(bars.map((b) => b.height), [0, 50, 100]);
  assert.deepEqual(bars.map((b) => b.y), [100, 50, 0]);
  assert.ok(bars.every((b) => b.x >= 0 && b.x + b.width <= 300));
});
