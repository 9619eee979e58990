import assert from "node:assert/strict";
import { RecordingOp } from "../bus/recording_op.ts";
import { cursorFromNow } from "./cursor.ts";
import { addPending, pendingCount, pendingLowWater } from "./pending.ts";
import { readChanges } from "./read.ts";
import { recordChange } from "./record.ts";

const feedName = () => `p-${crypto.randomUUID()}`;

Deno.test("a single-writer reader moves its cursor up to the head, but never past a record still pending here", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = feedName();
  const t0 = Date.now();
  const start = cursorFromNow(t0 - 10, 0);
  const slow = kv.atomic();
  recordChange(slow, feed, { id: "slow", status: "a" }, t0); // keyed first, committed last
  const fast = kv.atomic();
  recordChange(fast, feed, { id: "fast", status: "a" }, t0 + 1);
  assert.ok((await fast.commit()).ok);
  const first = await readChanges(kv, feed, start, { singleWriter: true });
  assert.deepEqual(first.changes.map((c) => c.record.id), ["fast"]);
  assert.ok(first.cursor.afterMs < t0, "held before the pending record's key");
  assert.ok((await slow.commit()).ok);
  const second = await readChanges(kv, feed, first.cursor, { singleWriter: true });
  assert.deepEqual(second.changes.map((c) => c.record.id), ["slow"], "the late commit is not skipped");
  const third = await readChanges(kv, feed, second.cursor, { singleWriter: true });
  assert.deepEqual(third.changes, [], "nothing twice");
  assert.ok(third.cursor.afterMs >= t0 + 1, "with nothing pending, the cursor is past every record");
  const shared = await readChanges(kv, feed, start);
  assert.ok(shared.cursor.afterMs < t0, "a reader with other writers stays SETTLE_MS behind the records");
});

Deno.test("a record whose commit fails, or that nobody commits, stops holding single-writer readers back", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = feedName();
  const now = Date.now();
  const failing = kv.atomic().check({ key: ["x"], versionstamp: "00000000000000010000" });
  recordChange(failing, feed, { id: "f", status: "a" }, now - 5);
  assert.equal(pendingLowWater(feed, now, 2000), now - 5);
  assert.equal((await failing.commit()).ok, false);
  assert.equal(pendingLowWater(feed, now, 2000), now, "settled by the failed commit");
  const other = feedName(); // its own clock: keys never go back within a feed
  const abandoned = kv.atomic();
  recordChange(abandoned, other, { id: "g", status: "a" }, now - 50);
  assert.equal(pendingLowWater(other, now, 2000), now - 50);
  assert.equal(pendingLowWater(other, now, 40), now, "forgotten once older than the settle time");
});

Deno.test("a consumer's recording operation stays pending until the consumer commits or drops it", () => {
  const feed = feedName();
  const now = Date.now();
  const committed = new RecordingOp();
  recordChange(committed, feed, { id: "c", status: "a" }, now - 3);
  const dropped = new RecordingOp();
  recordChange(dropped, feed, { id: "d", status: "a" }, now - 2);
  assert.equal(pendingLowWater(feed, now, 2000), now - 3);
  for (const fn of committed.afterCommit) fn(); // the batch committed
  assert.equal(pendingLowWater(feed, now, 2000), now - 2);
  for (const fn of dropped.settled) fn(); // the consumer's pass is over without it
  assert.equal(pendingLowWater(feed, now, 2000), now);
});

Deno.test("records nobody commits do not pile up on a feed no single-writer reader reads", () => {
  const feed = feedName();
  const t0 = Date.now() - 10_000;
  for (let i = 0; i < 300; i++) addPending(feed, `old-${i}`, t0, 2000);
  addPending(feed, "new", t0 + 5000, 2000);
  assert.equal(pendingCount(feed), 1, "the expired ones were dropped on the next add");
});
