import assert from "node:assert/strict";
import { ChangeSignal, changeSignal } from "./notifier.ts";
import { recordChange } from "./record.ts";
import { openChanges } from "./local_writes.ts";
import { RecordingOp } from "../bus/recording_op.ts";

Deno.test("next() resolves at once when a commit was signalled since `seen`", async () => {
  const s = new ChangeSignal();
  const seen = s.generation;
  s.notify();
  await s.next(seen);
  assert.equal(s.generation, seen + 1);
});

Deno.test("next() waits for the next signal, or for abort", async () => {
  const s = new ChangeSignal();
  let woke = false;
  const waiting = s.next(s.generation).then(() => woke = true);
  await Promise.resolve();
  assert.equal(woke, false);
  s.notify();
  await waiting;
  assert.equal(woke, true);
  const ac = new AbortController();
  const aborted = s.next(s.generation, ac.signal);
  ac.abort();
  await aborted;
});

Deno.test("recordChange signals its feed after a successful commit only", async () => {
  using kv = await Deno.openKv(":memory:");
  const signal = changeSignal("notify-test");
  const before = signal.generation;
  const failing = kv.atomic().check({ key: ["x"], versionstamp: "00000000000000ff0000" });
  recordChange(failing, "notify-test", { id: "a", status: "s" });
  assert.equal(openChanges("notify-test"), 1, "open until its commit settles");
  assert.equal((await failing.commit()).ok, false);
  assert.equal(signal.generation, before, "a failed commit wakes nobody");
  assert.equal(openChanges("notify-test"), 0, "but no longer holds readers back");
  const thrown = kv.atomic().set(["too big"], new Uint8Array(70_000));
  recordChange(thrown, "notify-test", { id: "a", status: "s" });
  await assert.rejects(thrown.commit());
  assert.equal(openChanges("notify-test"), 0, "nor does a commit that threw");
  const op = kv.atomic();
  recordChange(op, "notify-test", { id: "a", status: "s" });
  recordChange(op, "notify-test", { id: "b", status: "s" });
  assert.equal(signal.generation, before, "nothing before the commit");
  assert.ok((await op.commit()).ok);
  assert.equal(signal.generation, before + 1, "one wake-up per commit");
});

Deno.test("a change recorded in a batching consumer's operation signals only once the consumer's batch has committed", async () => {
  using kv = await Deno.openKv(":memory:");
  const feed = "notify-batch-test";
  const signal = changeSignal(feed);
  const before = signal.generation;
  const recording = new RecordingOp();
  recordChange(recording, feed, { id: "a", status: "paid" });
  recordChange(recording, feed, { id: "b", status: "paid" });
  const op = kv.atomic();
  recording.applyTo(op);
  assert.ok((await op.commit()).ok);
  assert.equal(signal.generation, before, "committing the batch alone signals nothing yet");
  assert.equal(openChanges(feed), 2, "and readers still wait for its changes");
  for (const fn of recording.afterCommit) fn(); // what the consumer does after its batch commits
  assert.equal(signal.generation, before + 1, "one wake-up for the handler's changes");
  assert.equal(openChanges(feed), 0, "no longer open");
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["change_feed", feed] }))).length, 2);
});
