import assert from "node:assert/strict";
import { cursorFromNow, type FeedCursor } from "./cursor.ts";
import { readChanges } from "./read.ts";
import { decodeRecord, encodeRecord, recordChange, SETTLE_MS } from "./record.ts";
import { openStore } from "../kv.ts";

async function commitChange(
  kv: Deno.Kv,
  feed: string,
  id: string,
  status: string,
  now: number,
): Promise<void> {
  const op = kv.atomic();
  recordChange(op, feed, { id, status }, now);
  assert.ok((await op.commit()).ok);
}

Deno.test("a change committed after another one with an earlier key is not skipped", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now();
  let cursor: FeedCursor = cursorFromNow(t0 - 10, 0);
  // op "early" takes its key first but commits second
  const early = kv.atomic();
  recordChange(early, feed, { id: "early", status: "a" }, t0);
  await commitChange(kv, feed, "late", "a", t0 + 5);
  const first = await readChanges(kv, feed, cursor, { now: () => t0 + 10 });
  assert.deepEqual(first.changes.map((c) => c.record.id), ["late"]);
  cursor = first.cursor;
  assert.ok((await early.commit()).ok);
  const second = await readChanges(kv, feed, cursor, { now: () => t0 + 20 });
  assert.deepEqual(second.changes.map((c) => c.record.id), ["early"], "the late commit with the earlier key");
  const third = await readChanges(kv, feed, second.cursor, { now: () => t0 + 30 });
  assert.deepEqual(third.changes, [], "and nothing twice");
});

Deno.test("near the head, changes come in commit order, not key order", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now();
  const start = cursorFromNow(t0 - 10, 0);
  const ops = ["k1", "k2", "k3"].map((id, i) => {
    const op = kv.atomic();
    recordChange(op, feed, { id, status: "s" }, t0 + i);
    return op;
  });
  for (const op of [ops[2]!, ops[0]!, ops[1]!]) assert.ok((await op.commit()).ok);
  const res = await readChanges(kv, feed, start, { now: () => t0 + 10 });
  assert.deepEqual(res.changes.map((c) => c.record.id), ["k3", "k1", "k2"]);
});

Deno.test("resuming from any change's cursor yields exactly the changes after it, in order", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now();
  const start = cursorFromNow(t0 - 10, 0);
  for (let i = 0; i < 6; i++) await commitChange(kv, feed, `c${i}`, "s", t0 + i);
  const all = await readChanges(kv, feed, start, { now: () => t0 + 10 });
  assert.deepEqual(all.changes.map((c) => c.record.id), ["c0", "c1", "c2", "c3", "c4", "c5"]);
  const after2 = await readChanges(kv, feed, all.changes[2]!.cursor, { now: () => t0 + 10 });
  assert.deepEqual(after2.changes.map((c) => c.record.id), ["c3", "c4", "c5"]);
});

Deno.test("a watcher far behind catches up page by page in key order, each change once", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now() - 60_000;
  for (let i = 0; i < 25; i++) await commitChange(kv, feed, `c${String(i).padStart(2, "0")}`, "s", t0 + i);
  let cursor = cursorFromNow(t0 - 10, 0);
  const got: string[] = [];
  for (let round = 0; round < 10; round++) {
    const res = await readChanges(kv, feed, cursor, { limit: 7, settleMs: 1000 });
    got.push(...res.changes.map((c) => c.record.id));
    cursor = res.cursor;
    if (!res.more) break;
  }
  assert.deepEqual(got, Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, "0")}`));
});

Deno.test("catch-up does not hand out records that could still be overtaken", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now();
  for (let i = 0; i < 5; i++) await commitChange(kv, feed, `c${i}`, "s", t0 + i);
  const res = await readChanges(kv, feed, cursorFromNow(t0 - 10, 0), { limit: 2, now: () => t0 + 10 });
  assert.deepEqual(res.changes, [], "all five are younger than the settle time");
  assert.equal(res.more, true);
});

Deno.test("a cursor older than the retention is refused naming the cursor", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  await assert.rejects(
    () => readChanges(kv, feed, { afterMs: 1, afterId: "~", vs: "" }),
    (err: Error & { field?: string }) => err.field === "cursor" && /expired/.test(err.message),
  );
});

Deno.test("a compact feed stores bytes, and a reader delivers compact and structured records alike, in commit order", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now();
  const start = cursorFromNow(t0 - 10, 0);
  const compact = kv.atomic();
  const key = recordChange(compact, feed, { id: "o-1", status: "paid", scope: "cust-1", compact: true }, t0);
  assert.ok((await compact.commit()).ok);
  await commitChange(kv, feed, "o-2", "pending", t0 + 1);
  const stored = await kv.get(key);
  assert.ok(stored.value instanceof Uint8Array, "the compact record is stored as bytes");
  assert.deepEqual(decodeRecord(stored.value), { id: "o-1", status: "paid", scope: "cust-1", at: t0 });
  const res = await readChanges(kv, feed, start, { now: () => t0 + 10 });
  assert.deepEqual(res.changes.map((c) => c.record), [
    { id: "o-1", status: "paid", scope: "cust-1", at: t0 },
    { id: "o-2", status: "pending", scope: "", at: t0 + 1 },
  ]);
  const again = await readChanges(kv, feed, res.cursor, { now: () => t0 + 20 });
  assert.deepEqual(again.changes, [], "nothing twice");
});

Deno.test("encodeRecord and decodeRecord round-trip any strings", () => {
  const record = { id: 'a\u0000"b', status: "é\n", scope: "", at: 12345 };
  assert.deepEqual(decodeRecord(encodeRecord(record)), record);
  assert.deepEqual(decodeRecord(record), record, "a structured record is taken as it is");
});

Deno.test("a busy feed (more than 500 changes within the settle window) is still read at the head, at once", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const t0 = Date.now();
  const start = cursorFromNow(t0 - 10, 0);
  // 900 changes in the last 900 ms: ~75 orders/s at a dozen changes each, all younger than SETTLE_MS
  for (let i = 0; i < 900; i += 100) {
    const op = kv.atomic();
    for (let j = i; j < i + 100; j++) recordChange(op, feed, { id: `c${j}`, status: "s" }, t0 + j);
    assert.ok((await op.commit()).ok);
  }
  const res = await readChanges(kv, feed, start, { now: () => t0 + 900 });
  assert.equal(res.changes.length, 900, "every change delivered now, none held back for the settle window");
  assert.equal(res.more, false);
});

Deno.test("in a store only this process writes, a read waits just below the change still committing", async () => {
  using kv = await openStore(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  const start = cursorFromNow(Date.now() - 10, 0);
  const early = kv.atomic();
  const earlyAt = recordChange(early, feed, { id: "early", status: "a" })[2] as number;
  await commitChange(kv, feed, "late", "a", Date.now());
  const first = await readChanges(kv, feed, start, { settleMs: 60_000 });
  assert.deepEqual(first.changes.map((c) => c.record.id), ["late"]);
  assert.equal(first.cursor.afterMs, earlyAt - 1, "held just below the open change, not a minute back");
  assert.ok((await early.commit()).ok);
  const second = await readChanges(kv, feed, first.cursor, { settleMs: 60_000 });
  assert.deepEqual(second.changes.map((c) => c.record.id), ["early"], "the late commit with the earlier key");
  assert.ok(second.cursor.afterMs >= earlyAt, "and then past it");
  const third = await readChanges(kv, feed, second.cursor, { settleMs: 60_000 });
  assert.deepEqual(third.changes, [], "and nothing twice");
});

Deno.test("in a store only this process writes, the cursor passes every settled record at once", async () => {
  using kv = await openStore(":memory:");
  const feed = `t-${crypto.randomUUID()}`;
  for (const id of ["a", "b", "c"]) await commitChange(kv, feed, id, "s", Date.now());
  const failed = kv.atomic().check({ key: ["nothing"], versionstamp: "00000000000000010000" });
  recordChange(failed, feed, { id: "never", status: "s" });
  assert.equal((await failed.commit()).ok, false);
  const readAt = Date.now() + 1;
  const res = await readChanges(kv, feed, cursorFromNow(readAt - 1000, 0), { now: () => readAt });
  assert.deepEqual(res.changes.map((c) => c.record.id), ["a", "b", "c"]);
  assert.equal(res.cursor.afterMs, readAt - 1, "not readAt - SETTLE_MS: nothing is still committing");
  // a store other processes may write keeps the window
  using shared = await Deno.openKv(":memory:");
  await commitChange(shared, feed, "d", "s", Date.now());
  const other = await readChanges(shared, feed, cursorFromNow(readAt - 5000, 0), { now: () => readAt });
  assert.equal(other.cursor.afterMs, readAt - SETTLE_MS);
});
