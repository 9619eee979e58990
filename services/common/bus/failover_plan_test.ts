import assert from "node:assert/strict";
import { planAttempt } from "./failover_plan.ts";

/** The first `n` attempts of a streak that began by losing node `lost` of `nodes`. */
function streak(lost: number, nodes: number, n: number) {
  const plan = [];
  let last = lost;
  for (let attempt = 1; attempt <= n; attempt++) {
    const p = planAttempt(attempt, last, nodes);
    plan.push([p.node, p.delayMs]);
    last = p.node;
  }
  return plan;
}

Deno.test("one node: the plain backoff, 0.2 s doubling to 5 s", () => {
  assert.deepEqual(streak(0, 1, 7), [[0, 200], [0, 400], [0, 800], [0, 1600], [0, 3200], [0, 5000], [
    0,
    5000,
  ]]);
});

Deno.test("three nodes, the first lost: the next node after the backoff, the rest of the round at once, then the next round waits longer", () => {
  assert.deepEqual(streak(0, 3, 7), [
    [1, 200],
    [2, 0],
    [0, 0],
    [1, 400],
    [2, 0],
    [0, 0],
    [1, 800],
  ]);
});

Deno.test("losing the last node wraps around to the first", () => {
  assert.deepEqual(streak(2, 3, 2), [[0, 200], [1, 0]]);
  assert.deepEqual(streak(1, 2, 3), [[0, 200], [1, 0], [0, 400]]);
});

Deno.test("attempts and node counts below one are refused", () => {
  assert.throws(() => planAttempt(0, 0, 3), RangeError);
  assert.throws(() => planAttempt(1, 0, 0), RangeError);
});
