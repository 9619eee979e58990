import assert from "node:assert/strict";
import { createLogger } from "../common/log.ts";
import type { StockReservation } from "./domain/reservation.ts";
import { reservationKey, reserveItems, seedCatalog } from "./store.ts";
import { startSweeper } from "./sweeper.ts";

const log = createLogger("stock", "error");

async function statusOf(kv: Deno.Kv, orderId: string): Promise<string | undefined> {
  return (await kv.get<StockReservation>(reservationKey(orderId))).value?.status;
}

Deno.test("the sweeper waits one TTL after starting before its first sweep, then releases what is due", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  let clock = new Date("2025-01-01T12:00:00Z").getTime();
  await reserveItems(kv, "old", [{ itemId: "1", quantity: 1 }], () => new Date(clock - 10 * 60_000));
  const sweeper = startSweeper({ kv, log, ttlMs: 60_000, intervalMs: 10, now: () => new Date(clock) });
  try {
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await statusOf(kv, "old"), "reserved", "no sweep during the start-up grace");
    clock += 60_000;
    const end = Date.now() + 5_000;
    while ((await statusOf(kv, "old")) !== "released" && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await statusOf(kv, "old"), "released");
  } finally {
    await sweeper.stop();
  }
});

Deno.test("sweep() releases what is due at once and reports how many", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const now = new Date("2025-01-01T12:00:00Z");
  for (const id of ["a", "b", "c"]) {
    await reserveItems(kv, id, [{ itemId: "2", quantity: 1 }], () => new Date(now.getTime() - 1000));
  }
  const sweeper = startSweeper({ kv, log, ttlMs: 1000, intervalMs: 3_600_000, now: () => now });
  try {
    assert.equal(await sweeper.sweep(), 3);
    assert.equal(await sweeper.sweep(), 0);
  } finally {
    await sweeper.stop();
  }
});
