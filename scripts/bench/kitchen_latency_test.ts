import assert from "node:assert/strict";
import { paidToTicket, paidToTicketFromStore } from "./kitchen_latency.ts";
import { openPaidTicket } from "../../services/kitchen/app.ts";
import { consumerTx } from "../../services/common/unit_of_work.ts";

Deno.test("paid -> ticket is the time kitchen opened the ticket minus the time the order was paid", () => {
  const s = paidToTicket([
    { paidAtMs: 1000, queuedAtMs: 1010 },
    { paidAtMs: 1000, queuedAtMs: 1030 },
    { paidAtMs: 2000, queuedAtMs: 1999 }, // clocks a hair apart: 0, not negative
  ]);
  assert.deepEqual([s.count, s.min, s.p50, s.max], [3, 0, 10, 30]);
});

Deno.test("paid -> ticket reads the tickets of a kitchen store file, or only those paid since a time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/kitchen.kv`;
    const kv = await Deno.openKv(path);
    for (
      const [orderId, paidAtMs, gap] of [["o-1", 1000, 5], ["o-2", 1000, 15], ["o-3", 2000, 40]] as const
    ) {
      const op = kv.atomic();
      await openPaidTicket(
        consumerTx({ kv, op }),
        { orderId, items: [], paidAtMs },
        new Date(paidAtMs + gap),
      );
      assert.equal((await op.commit()).ok, true);
    }
    kv.close();
    const s = await paidToTicketFromStore(path);
    assert.deepEqual([s.count, s.min, s.max], [3, 5, 40]);
    const since = await paidToTicketFromStore(path, 2000);
    assert.deepEqual(
      [since.count, since.min, since.max],
      [1, 40, 40],
      "only orders paid since then (no warm-up)",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
