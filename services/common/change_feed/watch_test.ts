import assert from "node:assert/strict";
import { cursorFromNow, type FeedCursor } from "./cursor.ts";
import type { Change } from "./read.ts";
import { recordChange } from "./record.ts";
import { watchChanges } from "./watch.ts";

async function commit(kv: Deno.Kv, feed: string, id: string, status: string): Promise<void> {
  const op = kv.atomic().set(["entity", id], status);
  recordChange(op, feed, { id, status });
  assert.ok((await op.commit()).ok);
}

/** Takes `n` changes from a watch, then stops it. */
async function take(kv: Deno.Kv, feed: string, from: FeedCursor, n: number): Promise<Change[]> {
  const ac = new AbortController();
  const got: Change[] = [];
  for await (const c of watchChanges(kv, feed, from, { signal: ac.signal, minGapMs: 0 })) {
    got.push(c);
    if (got.length === n) ac.abort();
  }
  return got;
}

Deno.test("a watcher that disconnects and resumes from its cursor receives every change it missed, once, in order", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `resume-${crypto.randomUUID()}`;
  // a millisecond back: a record keyed in the cursor's own millisecond counts as before it (settle 0)
  const start = cursorFromNow(Date.now() - 1, 0);
  // live: the watcher is waiting when the first changes commit
  const firstTwo = take(kv, feed, start, 2);
  await commit(kv, feed, "o1", "pending");
  await commit(kv, feed, "o1", "paid");
  const before = await firstTwo;
  assert.deepEqual(before.map((c) => `${c.record.id}:${c.record.status}`), ["o1:pending", "o1:paid"]);
  // disconnected: more changes commit
  const missed = ["o1:preparing", "o2:pending", "o1:ready", "o2:cancelled"];
  for (const m of missed) {
    const [id, status] = m.split(":") as [string, string];
    await commit(kv, feed, id, status);
  }
  // resumed from the last cursor it received
  const resumed = take(kv, feed, before[1]!.cursor, missed.length + 1);
  await new Promise((r) => setTimeout(r, 10));
  await commit(kv, feed, "o2", "refunded");
  const after = await resumed;
  assert.deepEqual(after.map((c) => `${c.record.id}:${c.record.status}`), [...missed, "o2:refunded"]);
});

Deno.test("a watch stops when its signal aborts while waiting", async () => {
  using kv = await Deno.openKv(":memory:");
  const ac = new AbortController();
  const it = watchChanges(kv, "idle", cursorFromNow(Date.now(), 0), { signal: ac.signal });
  const next = it.next();
  ac.abort();
  assert.equal((await next).done, true);
});
