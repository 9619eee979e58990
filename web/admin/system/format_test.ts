import assert from "node:assert/strict";
import { formatAge, formatMs, formatRate } from "./format.ts";

Deno.test("rates, durations and ages read naturally", () => {
  assert.deepEqual([0, 0.05, 2.44, 130.4].map(formatRate), ["0", "0.05", "2.4", "130"]);
  assert.deepEqual([null, 4.23, 230.4, 1500].map(formatMs), ["—", "4.2 ms", "230 ms", "1.5 s"]);
  assert.deepEqual([0, 42.4, 180, 9000].map(formatAge), ["0 s", "42 s", "3 min", "2.5 h"]);
});
