import assert from "node:assert/strict";
import { openChanges, settledBefore, stampChange } from "./local_writes.ts";

const feedName = () => `lw-${crypto.randomUUID()}`;

Deno.test("stampChange never keys a record before an earlier one of its feed", () => {
  const feed = feedName();
  const a = stampChange(feed, 1000);
  const b = stampChange(feed, 900); // the clock went back
  assert.equal(a.at, 1000);
  assert.equal(b.at, 1000);
  assert.equal(openChanges(feed), 2);
  a.settle();
  b.settle();
  b.settle(); // idempotent
  assert.equal(openChanges(feed), 0);
});

Deno.test("settledBefore is just below the oldest record still open, else just below now", () => {
  const feed = feedName();
  const a = stampChange(feed, 1000);
  const b = stampChange(feed, 1005);
  assert.equal(settledBefore(feed, 1010, 0), 999);
  b.settle(); // a later one settling first changes nothing
  assert.equal(settledBefore(feed, 1010, 0), 999);
  a.settle();
  assert.equal(settledBefore(feed, 1010, 0), 1009);
});

Deno.test("settledBefore holds the feed's clock: a record keyed after a read is keyed at its start or later", () => {
  const feed = feedName();
  assert.equal(settledBefore(feed, 5000, 0), 4999);
  const late = stampChange(feed, 4000); // this process's clock is behind the read's
  assert.equal(late.at, 5000);
  assert.equal(settledBefore(feed, 5000, 0), 4999, "open at 5000: nothing from 5000 on is final");
});

Deno.test("a record never settled stops holding readers back once older than the floor, and is forgotten", () => {
  const feed = feedName();
  stampChange(feed, 1000); // its operation was dropped
  const b = stampChange(feed, 3000);
  assert.equal(settledBefore(feed, 3500, 500), 999);
  assert.equal(settledBefore(feed, 3500, 1500), 2999, "the one open since before the floor no longer counts");
  assert.equal(openChanges(feed), 1, "the dropped one is forgotten");
  b.settle();
  assert.equal(settledBefore(feed, 3500, 1500), 3499);
});
