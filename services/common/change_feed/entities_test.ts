import assert from "node:assert/strict";
import { RecordingOp } from "../bus/recording_op.ts";
import { cursorFromNow } from "./cursor.ts";
import { MAX_REMEMBERED, recallEntity, rememberEntity } from "./entities.ts";
import { readChanges } from "./read.ts";
import { recordChange, recordIdOf } from "./record.ts";

Deno.test("a change read back in the process that committed it carries the entity it committed", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `entities-${crypto.randomUUID()}`;
  const from = cursorFromNow(Date.now() - 10, 0);
  const entity = { id: "a", status: "paid" };
  const op = kv.atomic();
  recordChange(op, feed, { id: "a", status: "paid", entity });
  assert.ok((await op.commit()).ok);
  const plain = kv.atomic();
  recordChange(plain, feed, { id: "b", status: "paid" });
  assert.ok((await plain.commit()).ok);
  const { changes } = await readChanges(kv, feed, from);
  assert.deepEqual(changes.map((c) => [c.record.id, c.entity]), [["a", entity], ["b", undefined]]);
});

Deno.test("only a committed change's entity is remembered: not a failed commit's, and a batch's once it committed", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `entities-${crypto.randomUUID()}`;
  const failing = kv.atomic().check({ key: ["x"], versionstamp: "00000000000000ff0000" });
  const failedKey = recordChange(failing, feed, { id: "a", status: "s", entity: { v: 1 } });
  assert.equal((await failing.commit()).ok, false);
  assert.equal(recallEntity(feed, recordIdOf(failedKey)), undefined);
  const recording = new RecordingOp();
  const key = recordChange(recording, feed, { id: "a", status: "s", entity: { v: 2 } });
  const op = kv.atomic();
  recording.applyTo(op);
  assert.ok((await op.commit()).ok);
  assert.equal(recallEntity(feed, recordIdOf(key)), undefined, "not before the consumer's afterCommit");
  for (const fn of recording.afterCommit) fn();
  assert.deepEqual(recallEntity(feed, recordIdOf(key)), { v: 2 });
});

Deno.test("the memory is bounded per feed, forgetting the oldest first", () => {
  const feed = `entities-${crypto.randomUUID()}`;
  for (let i = 0; i <= MAX_REMEMBERED; i++) rememberEntity(feed, `r${i}`, i);
  assert.equal(recallEntity(feed, "r0"), undefined);
  assert.equal(recallEntity(feed, "r1"), 1);
  assert.equal(recallEntity(feed, `r${MAX_REMEMBERED}`), MAX_REMEMBERED);
});

Deno.test("a record listed before its commit's continuation remembered the entity is still served with it", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = `entities-${crypto.randomUUID()}`;
  const from = cursorFromNow(Date.now() - 10, 0);
  const plain = kv.atomic();
  const key = recordChange(plain, feed, { id: "a", status: "paid" });
  assert.ok((await plain.commit()).ok);
  const entity = { id: "a", status: "paid" };
  // the committing side's continuation runs only after the watcher's listing has returned
  const late = new Proxy(kv, {
    get(target, prop) {
      if (prop !== "list") return Reflect.get(target, prop, target);
      return (...args: Parameters<Deno.Kv["list"]>) => {
        const it = target.list(...args);
        return (async function* () {
          for await (const e of it) yield e;
          queueMicrotask(() => setTimeout(() => rememberEntity(feed, recordIdOf(key), entity), 0));
        })();
      };
    },
  });
  const { changes } = await readChanges(late, feed, from);
  assert.deepEqual(changes.map((c) => [c.record.id, c.entity]), [["a", entity]]);
});
