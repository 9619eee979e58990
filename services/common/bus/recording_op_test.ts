import assert from "node:assert/strict";
import { enqueueEvent, OUTBOX_PREFIX } from "./outbox.ts";
import { keyBytes, RecordingOp, utf8Length } from "./recording_op.ts";
import { TouchedKeys } from "./touched_keys.ts";

Deno.test("a recording op replays checks and mutations in order onto a real operation", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["n"], new Deno.KvU64(5n));
    const rec = new RecordingOp();
    rec.check({ key: ["fresh"], versionstamp: null })
      .set(["fresh"], "x", { expireIn: 60_000 })
      .set(["gone"], 1)
      .delete(["gone"])
      .sum(["n"], 2n)
      .max(["n"], 3n)
      .min(["m"], 9n)
      .mutate({ type: "set", key: ["mutated"], value: true });
    assert.equal(rec.checks, 1);
    assert.equal(rec.mutations, 7);
    const op = kv.atomic();
    rec.applyTo(op);
    assert.equal((await op.commit()).ok, true);
    assert.equal((await kv.get(["fresh"])).value, "x");
    assert.equal((await kv.get(["gone"])).versionstamp, null, "set then delete, in order");
    assert.equal((await kv.get<Deno.KvU64>(["n"])).value?.value, 7n);
    assert.equal((await kv.get<Deno.KvU64>(["m"])).value?.value, 9n);
    assert.equal((await kv.get(["mutated"])).value, true);

    // replayed again, the check on ["fresh"] now fails and nothing is written
    const again = kv.atomic();
    rec.applyTo(again);
    assert.equal((await again.commit()).ok, false);
    assert.equal((await kv.get<Deno.KvU64>(["n"])).value?.value, 7n);
  } finally {
    kv.close();
  }
});

Deno.test("a recording op notes the keys it touched, the outbox records added, and refuses to commit", async () => {
  const rec = new RecordingOp();
  rec.check({ key: ["orders", "o-1"], versionstamp: null }).set(["orders", "o-1"], { status: "paid" });
  const record = enqueueEvent(rec, "order.paid", {
    orderId: "o-1",
    customerId: "c",
    items: [],
    paidAt: new Date(),
    number: 0,
    details: undefined,
  });
  rec.set([...OUTBOX_PREFIX, "not-a-record"], "plain value");
  assert.deepEqual(rec.records, [record], "only real outbox records are collected");
  const other = new TouchedKeys();
  other.read(["orders", "o-1"]);
  assert.ok(rec.touched.overlaps(other));
  assert.ok(rec.keyBytes > 0);
  await assert.rejects(rec.commit(), /must not commit/);
});

Deno.test("utf8Length counts the bytes TextEncoder would write, without encoding", () => {
  const enc = new TextEncoder();
  for (const s of ["", "abc", "é", "日本", "a😀b", "\ud800", "x\udc00y", "\ud83d", "€😀é\u0000"]) {
    assert.equal(utf8Length(s), enc.encode(s).byteLength, JSON.stringify(s));
  }
  assert.equal(keyBytes(["日本", 1, new Uint8Array(3)]), 6 + 2 + 9 + 3 + 2);
});
