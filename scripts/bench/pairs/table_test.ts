import assert from "node:assert/strict";
import { figuresOf, formatPairs, summarize } from "./table.ts";
import { fakeReport } from "./testing.ts";

const PAIRS = [
  {
    before: fakeReport({ cpu: 14, sqlite: 3.4, ratio: 2.3, ordersPerS: 120, rss: 760 }),
    after: fakeReport({ cpu: 13, sqlite: 3, ratio: 2.1, ordersPerS: 130, rss: 770 }),
  },
  {
    before: fakeReport({ cpu: 15, sqlite: 3.6, ratio: 2.2, ordersPerS: 110, rss: 750 }),
    after: fakeReport({ cpu: 16, sqlite: 3.2, ratio: 2.4, ordersPerS: 100, rss: 740 }),
  },
];

Deno.test("a report's compared figures: the total's CPU, ratio and RSS, orders/s, and the SQLite threads summed over processes", () => {
  assert.deepEqual(figuresOf(PAIRS[0]!.before), {
    cpuMsPerOrder: 14,
    sqliteMsPerOrder: 3.4,
    ratioToFloor: 2.3,
    ordersPerS: 120,
    rssMiB: 760,
  });
  const old = fakeReport({ cpu: 20, ratio: 3, ordersPerS: 50, rss: 900 });
  assert.equal(figuresOf(old).sqliteMsPerOrder, undefined, "a report from before threads were measured");
});

Deno.test("the summary gives each figure's means and in how many pairs the run after was better", () => {
  const s = summarize(PAIRS);
  assert.deepEqual(s.cpuMsPerOrder, { before: 14.5, after: 14.5, betterAfter: 1, pairs: 2 });
  assert.deepEqual(s.sqliteMsPerOrder, { before: 3.5, after: 3.1, betterAfter: 2, pairs: 2 });
  assert.deepEqual(s.ordersPerS, { before: 115, after: 115, betterAfter: 1, pairs: 2 }, "higher is better");
  assert.deepEqual(s.rssMiB, { before: 755, after: 755, betterAfter: 1, pairs: 2 });
  const noThreads = summarize([{
    before: fakeReport({ cpu: 20, ratio: 3, ordersPerS: 50, rss: 900 }),
    after: fakeReport({ cpu: 19, ratio: 2.9, ordersPerS: 52, rss: 890 }),
  }]);
  assert.equal(noThreads.sqliteMsPerOrder, undefined, "a figure no pair has is left out");
  assert.equal(noThreads.cpuMsPerOrder?.betterAfter, 1);
});

Deno.test("the printed table has a row per pair, the means and the count of better pairs", () => {
  const text = formatPairs(PAIRS, "6e3b694", "8f5763c");
  assert.match(text, /before = 6e3b694, after = 8f5763c; 2 pair\(s\)/);
  const rows = text.split("\n");
  assert.match(
    rows.find((r) => r.startsWith("1 "))!,
    /14 -> 13\s+3\.4 -> 3\s+2\.3 -> 2\.1\s+120 -> 130\s+760 -> 770$/,
  );
  assert.match(rows.find((r) => r.startsWith("2 "))!, /15 -> 16/);
  assert.match(rows.find((r) => r.startsWith("mean"))!, /14\.5 -> 14\.5\s+3\.5 -> 3\.1/);
  assert.match(rows.find((r) => r.startsWith("better"))!, /1 of 2\s+2 of 2\s+1 of 2\s+1 of 2\s+1 of 2$/);
});
