import assert from "node:assert/strict";
import { Batch, KV_COMMIT_LIMITS } from "./batch.ts";
import { RecordingOp } from "./recording_op.ts";

function run(f: (op: RecordingOp) => void): { op: RecordingOp } {
  const op = new RecordingOp();
  f(op);
  return { op };
}

Deno.test("a batch takes independent runs and refuses one that touches a key a member wrote", () => {
  const batch = new Batch<{ op: RecordingOp }>();
  const a = run((op) => op.check({ key: ["o", 1], versionstamp: null }).set(["o", 1], "a"));
  assert.equal(batch.refusal(a), undefined, "an empty batch takes anything");
  batch.add(a);
  assert.equal(batch.refusal(run((op) => op.set(["o", 2], "b"))), undefined);
  assert.equal(batch.refusal(run((op) => op.check({ key: ["o", 1], versionstamp: null }))), "overlap");
  assert.equal(batch.size, 1);
});

Deno.test("a batch refuses a run that would pass Deno KV's counted limits", () => {
  const big = () =>
    run((op) => {
      for (let i = 0; i < 400; i++) op.set(["k", crypto.randomUUID()], i);
    });
  const batch = new Batch<{ op: RecordingOp }>();
  batch.add(big());
  batch.add(big());
  assert.equal(batch.refusal(big()), "full", `over ${KV_COMMIT_LIMITS.mutations} mutations`);
  const checks = new Batch<{ op: RecordingOp }>();
  const checking = () =>
    run((op) => {
      for (let i = 0; i < 60; i++) op.check({ key: ["c", crypto.randomUUID()], versionstamp: null });
    });
  checks.add(checking());
  assert.equal(checks.refusal(checking()), "full", `over ${KV_COMMIT_LIMITS.checks} checks`);
});

Deno.test("a batch builds one operation of every member, collects their outbox records, and halves", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const batch = new Batch<{ op: RecordingOp }>();
    for (let i = 0; i < 5; i++) batch.add(run((op) => op.set(["v", i], i)));
    const [a, b] = batch.halves();
    assert.deepEqual([a.size, b.size], [3, 2]);
    assert.equal((await batch.operation(kv).commit()).ok, true);
    assert.deepEqual((await Array.fromAsync(kv.list<number>({ prefix: ["v"] }))).map((e) => e.value), [
      0,
      1,
      2,
      3,
      4,
    ]);
    assert.deepEqual(batch.records, []);
  } finally {
    kv.close();
  }
});

Deno.test("runs that only write the same keys share a batch; their sums add up and the later set wins", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const batch = new Batch<{ op: RecordingOp }>();
    const paid = (order: string, note: string) =>
      run((op) =>
        op.check({ key: ["o", order], versionstamp: null }).set(["o", order], "paid")
          .sum(["counts", "paid"], 1n).set(["last"], note)
      );
    batch.add(paid("1", "first"));
    assert.equal(batch.refusal(paid("2", "second")), undefined, "a shared counter is no reason to split");
    batch.add(paid("2", "second"));
    assert.equal(
      batch.refusal(run((op) => op.check({ key: ["counts", "paid"], versionstamp: null }))),
      "overlap",
    );
    assert.equal((await batch.operation(kv).commit()).ok, true);
    assert.equal((await kv.get<Deno.KvU64>(["counts", "paid"])).value?.value, 2n);
    assert.equal((await kv.get(["last"])).value, "second");
  } finally {
    kv.close();
  }
});
