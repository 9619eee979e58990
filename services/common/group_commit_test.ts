import assert from "node:assert/strict";
import { type CommitResult, GroupCommitter, UnitOp } from "./group_commit.ts";

function setOp(key: Deno.KvKey, value: unknown): UnitOp {
  const op = new UnitOp();
  op.set(key, value);
  return op;
}

function versionstampOf(result: CommitResult): string {
  assert.ok(result.ok, "committed");
  return result.versionstamp;
}

Deno.test("operations that arrive while a commit is in flight are committed together, once it is done", async () => {
  using kv = await Deno.openKv(":memory:");
  const committer = new GroupCommitter(kv);
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) => committer.commit(setOp(["k", i], i))),
  );
  assert.equal(committer.groups, 2, "the first alone (nothing was in flight), the other four together");
  const stamps = results.map(versionstampOf);
  assert.equal(new Set(stamps.slice(1)).size, 1, "one commit for the four");
  assert.notEqual(stamps[0], stamps[1]);
  for (let i = 0; i < 5; i++) {
    const entry = await kv.get(["k", i]);
    assert.equal(entry.value, i);
    assert.equal(entry.versionstamp, stamps[i]);
  }
});

Deno.test("an operation that checked a key an earlier member writes waits for the next group, and its stale check fails", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["counter"], 1);
  const read = await kv.get<number>(["counter"]);
  const committer = new GroupCommitter(kv);
  const first = committer.commit(setOp(["other"], true)); // in flight: the two below wait
  // two increments that both read counter = 1: merged, both checks would pass and one increment be lost
  const a = new UnitOp();
  a.check(read).set(["counter"], read.value! + 1);
  const b = new UnitOp();
  b.check(read).set(["counter"], read.value! + 1);
  const [, ra, rb] = await Promise.all([first, committer.commit(a), committer.commit(b)]);
  assert.equal(committer.groups, 3, "b may not join a's group");
  assert.equal(ra.ok, true);
  assert.equal(rb.ok, false, "b read what a changed: its commit fails and its unit of work runs it again");
  assert.equal((await kv.get(["counter"])).value, 2);
});

Deno.test("when a member's check fails, the others still commit and only that one fails", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["seen"], "old");
  const stale = await kv.get(["seen"]);
  await kv.set(["seen"], "new"); // someone else changed it since it was read
  const committer = new GroupCommitter(kv);
  const first = committer.commit(setOp(["first"], 1));
  const conflicted = new UnitOp();
  conflicted.check(stale).set(["conflicted"], true);
  const fine = setOp(["fine"], true);
  const results = await Promise.all([first, committer.commit(conflicted), committer.commit(fine)]);
  assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
  assert.equal((await kv.get(["conflicted"])).value, null);
  assert.equal((await kv.get(["fine"])).value, true);
});

Deno.test("a group over Deno KV's total mutation size is committed member by member; a member over a limit rejects alone", async () => {
  using kv = await Deno.openKv(":memory:");
  const committer = new GroupCommitter(kv);
  const big = (i: number) => {
    const op = new UnitOp();
    for (let j = 0; j < 4; j++) op.set(["big", i, j], "x".repeat(60_000)); // 240 KB each: four are over 800 KB
    return op;
  };
  const first = committer.commit(setOp(["first"], 1));
  const bigs = [1, 2, 3, 4].map((i) => committer.commit(big(i)));
  const tooLarge = assert.rejects(committer.commit(setOp(["too large"], "x".repeat(70_000))), /too large/i);
  assert.deepEqual((await Promise.all([first, ...bigs])).map((r) => r.ok), [true, true, true, true, true]);
  await tooLarge;
  assert.equal((await kv.get<string>(["big", 4, 3])).value?.length, 60_000);
  assert.equal((await kv.get(["too large"])).versionstamp, null);
});
