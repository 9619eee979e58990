import assert from "node:assert/strict";
import { axisMax, linePath } from "./line_chart.ts";

Deno.test("the axis maximum is a nice number at or above the largest value, at least the floor", () => {
  assert.equal(axisMax([[0, 0.2], [null]]), 1);
  assert.equal(axisMax([[3, 7.5], [12]]), 20);
  assert.equal(axisMax([[40]], 100), 100);
  assert.equal(axisMax([[Infinity, 3]]), 5);
});

Deno.test("a path puts the newest value at the right edge and breaks at missing values", () => {
  // 5 slots over 100 px: x = 0, 25, 50, 75, 100; three values take the last three
  assert.equal(linePath([0, 5, 10], 5, 100, 50, 10), "M50 50 L75 25 L100 0");
  assert.equal(linePath([1, null, 2, 3], 4, 30, 10, 4), "M0 7.5 h0 M20 5 L30 2.5");
  // values over the maximum are clipped to the top; a lone point is a dot
  assert.equal(linePath([20], 2, 10, 10, 10), "M10 0 h0");
  assert.equal(linePath([], 60, 100, 50, 1), "");
  assert.equal(linePath([null], 60, 100, 50, 1), "");
});
