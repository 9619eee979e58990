import assert from "node:assert/strict";
import { barsOf, bucketOrders, niceMax, rangeStart } from "./chart.ts";

const UTC = { timeZone: "UTC", locale: "en-GB" };
const TOKYO = { timeZone: "Asia/Tokyo", locale: "en-GB" };

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
    UTC,
  );
  assert.equal(buckets.length, 24);
  assert.deepEqual(buckets[0], {
    start: "2025-03-06T15:00:00.000Z",
    label: "15:00",
    title: "6 Mar 2025, 15:00",
    count: 1,
  });
  assert.equal(buckets[22]!.count, 1);
  assert.deepEqual(buckets[23], {
    start: "2025-03-07T14:00:00.000Z",
    label: "14:00",
    title: "7 Mar 2025, 14:00",
    count: 2,
  });
  assert.equal(buckets.reduce((n, b) => n + b.count, 0), 4);
  assert.equal(rangeStart("24h", now, "UTC").toISOString(), "2025-03-06T15:00:00.000Z");
});

Deno.test("hour buckets are labelled with the shop's clock, and follow its hours in a half-hour zone", () => {
  const now = new Date("2025-03-07T14:20:00Z");
  const tokyo = bucketOrders([new Date("2025-03-07T14:05:00Z")], "24h", now, TOKYO);
  assert.deepEqual(tokyo[23], {
    start: "2025-03-07T14:00:00.000Z",
    label: "23:00",
    title: "7 Mar 2025, 23:00",
    count: 1,
  });
  // Kolkata is UTC+05:30: its 19:00 is 13:30 UTC, and 14:20 UTC is 19:50 there
  const kolkata = bucketOrders([], "24h", now, { timeZone: "Asia/Kolkata", locale: "en-GB" });
  assert.equal(kolkata[23]!.start, "2025-03-07T13:30:00.000Z");
  assert.equal(kolkata[23]!.label, "19:00");
});

Deno.test("bucketOrders by day labels days and covers 14 of them", () => {
  const buckets = bucketOrders(
    [new Date("2025-03-01T01:00:00Z")],
    "14d",
    new Date("2025-03-07T14:20:00Z"),
    UTC,
  );
  assert.equal(buckets.length, 14);
  assert.equal(buckets[0]!.label, "22 Feb");
  assert.equal(buckets[0]!.title, "Sat, 22 Feb 2025");
  assert.equal(buckets.find((b) => b.label === "1 Mar")?.count, 1);
});

Deno.test("day buckets are the shop's days: from its midnight to the next, 23 hours on a spring-forward day", () => {
  // 2025-03-07T16:00Z is already 8 March in Tokyo (01:00), still 7 March in UTC
  const late = new Date("2025-03-07T16:00:00Z");
  const now = new Date("2025-03-07T17:00:00Z");
  const tokyo = bucketOrders([late], "14d", now, TOKYO);
  assert.equal(tokyo[13]!.label, "8 Mar");
  assert.equal(tokyo[13]!.start, "2025-03-07T15:00:00.000Z", "midnight in Tokyo");
  assert.equal(tokyo[13]!.count, 1);
  assert.equal(rangeStart("14d", now, "Asia/Tokyo").toISOString(), "2025-02-22T15:00:00.000Z");
  assert.equal(bucketOrders([late], "14d", now, UTC).find((b) => b.label === "7 Mar")?.count, 1);

  // Berlin moves its clocks forward on 30 March 2025: that day starts at 23:00Z, the next at 22:00Z
  const berlin = bucketOrders([], "14d", new Date("2025-03-31T12:00:00Z"), {
    timeZone: "Europe/Berlin",
    locale: "en-GB",
  });
  assert.equal(berlin[12]!.label, "30 Mar");
  assert.equal(berlin[12]!.start, "2025-03-29T23:00:00.000Z");
  assert.equal(berlin[13]!.start, "2025-03-30T22:00:00.000Z");
});

Deno.test("niceMax rounds the axis up to 1, 2 or 5 times a power of ten; bars fit the plot", () => {
  assert.deepEqual([0, 1, 3, 7, 10, 11, 48, 120].map(niceMax), [1, 1, 5, 10, 10, 20, 50, 200]);
  const { bars, max } = barsOf(
    [
      { start: "", label: "", title: "", count: 0 },
      { start: "", label: "", title: "", count: 5 },
      { start: "", label: "", title: "", count: 10 },
    ],
    300,
    100,
  );
  assert.equal(max, 10);
  assert.deepEqual(bars.map((b) => b.height), [0, 50, 100]);
  assert.deepEqual(bars.map((b) => b.y), [100, 50, 0]);
  assert.ok(bars.every((b) => b.x >= 0 && b.x + b.width <= 300));
});
