import assert from "node:assert/strict";
import { openChanges, settledBefore, stampChange, trackedChanges } from "./local_writes.ts";

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

Deno.test("a record never settled does not make the list grow: stamping forgets what is older than the window", () => {
  const feed = feedName();
  stampChange(feed, 1000, -Infinity); // dropped, never settled
  for (let i = 0; i < 1000; i++) stampChange(feed, 1001 + i, 0).settle();
  assert.equal(trackedChanges(feed), 1001, "held behind the open one while it is young");
  stampChange(feed, 5000, 3000).settle();
  assert.equal(trackedChanges(feed), 0, "once older than the window, forgotten with what it held");
});

Deno.test("records are keyed after a reader's cursor even when this process's clock is behind it, by the window at most", () => {
  const feed = feedName();
  assert.equal(settledBefore(feed, 1000, 0, 1500), 999);
  assert.equal(stampChange(feed, 1000).at, 1501, "after the cursor a process before a restart handed out");
  const far = feedName();
  settledBefore(far, 1000, 0, 1_000_000); // a cursor from far ahead: trusted only a window's width
  assert.equal(stampChange(far, 1000).at, 2000);
});
