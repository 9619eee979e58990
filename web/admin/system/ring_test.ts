import assert from "node:assert/strict";
import { Ring } from "./ring.ts";

Deno.test("a ring keeps the newest items, oldest first", () => {
  const r = new Ring<number>(3);
  assert.deepEqual(r.toArray(), []);
  assert.equal(r.last(), undefined);
  r.push(1);
  r.push(2);
  assert.deepEqual(r.toArray(), [1, 2]);
  for (const n of [3, 4, 5]) r.push(n);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.length, 3);
  assert.equal(r.last(), 5);
  r.clear();
  assert.deepEqual(r.toArray(), []);
  r.push(6);
  assert.deepEqual(r.toArray(), [6]);
});

Deno.test("a ring needs room for one item", () => {
  assert.throws(() => new Ring(0), RangeError);
  assert.throws(() => new Ring(1.5), RangeError);
});
