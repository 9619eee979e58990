import assert from "node:assert/strict";
import { FIRST_NUMBER, NEXT_NUMBER_KEY, OrderNumbers } from "./numbers.ts";

async function withKvFile(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(`${dir}/orders.kv`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("numbers start at 1001 and come from one block per commit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const numbers = new OrderNumbers(kv, { blockSize: 5 });
    const got: number[] = [];
    for (let i = 0; i < 12; i++) got.push(await numbers.next());
    assert.deepEqual(got, Array.from({ length: 12 }, (_, i) => FIRST_NUMBER + i));
    assert.deepEqual(numbers.stats, { reservations: 3, conflicts: 0 }, "12 numbers, blocks of 5: 3 commits");
    assert.equal((await kv.get(NEXT_NUMBER_KEY)).value, FIRST_NUMBER + 15);
  } finally {
    kv.close();
  }
});

Deno.test("a restarted process skips the rest of the old block (a gap, never a duplicate)", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const first = new OrderNumbers(kv, { blockSize: 50 });
    assert.equal(await first.next(), 1001);
    const restarted = new OrderNumbers(kv, { blockSize: 50 });
    assert.equal(await restarted.next(), 1051);
    assert.equal(await first.next(), 1002, "the old process keeps its block");
  } finally {
    kv.close();
  }
});

Deno.test("two processes on one KV file hand out unique numbers, committing once per block", async () => {
  await withKvFile(async (path) => {
    const kvA = await Deno.openKv(path);
    const kvB = await Deno.openKv(path);
    try {
      const a = new OrderNumbers(kvA, { blockSize: 50 });
      const b = new OrderNumbers(kvB, { blockSize: 50 });
      const perProcess = 300;
      const all = await Promise.all([
        ...Array.from({ length: perProcess }, () => a.next()),
        ...Array.from({ length: perProcess }, () => b.next()),
      ]);
      assert.equal(new Set(all).size, all.length, "no number is handed out twice");
      assert.ok(all.every((n) => Number.isInteger(n) && n >= FIRST_NUMBER));
      // 300 numbers in blocks of 50: 6 reservations each, whatever the interleaving
      assert.equal(a.stats.reservations, 6);
      assert.equal(b.stats.reservations, 6);
      // the counter key is written 12 times for 600 orders; a lost race costs one retry, not one per order
      assert.ok(
        a.stats.conflicts + b.stats.conflicts <= 12,
        `conflicts: ${JSON.stringify([a.stats, b.stats])}`,
      );
      assert.equal((await kvA.get(NEXT_NUMBER_KEY)).value, FIRST_NUMBER + 600, "no block was lost");
    } finally {
      kvA.close();
      kvB.close();
    }
  });
});

Deno.test("a block size below 1 is refused", () => {
  assert.throws(() => new OrderNumbers({} as Deno.Kv, { blockSize: 0 }), /Block size must be >= 1, got 0/);
});
