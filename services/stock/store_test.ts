import assert from "node:assert/strict";
import { MENU } from "./domain/menu.ts";
import type { StockReservation } from "./domain/reservation.ts";
import {
  confirmReservation,
  listItems,
  reservationKey,
  reserveItems,
  seedCatalog,
  settleReservation,
  sweepUnconfirmed,
  UNCONFIRMED,
} from "./store.ts";

Deno.test("seedCatalog seeds the demo menu once, only into an empty catalog", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await seedCatalog(kv), true);
  assert.equal(await seedCatalog(kv), false);
  const items = await listItems(kv);
  assert.equal(items.length, MENU.length);
  assert.deepEqual(items.map((i) => i.available), MENU.map((m) => m.quantity));
});

Deno.test("seedCatalog lets exactly one of two concurrent seeders win", async () => {
  using kv = await Deno.openKv(":memory:");
  const results = await Promise.all([seedCatalog(kv), seedCatalog(kv)]);
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal((await listItems(kv)).length, MENU.length);
});

Deno.test("settleReservation adds nothing for an unknown order or a settled reservation", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  let op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "nope", "sold"), "no_reservation");
  await reserveItems(kv, "o-1", [{ itemId: "1", quantity: 2 }]);
  op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-1", "sold"), "settled");
  assert.ok((await op.commit()).ok);
  op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-1", "released"), "not_reserved");
  const item = (await listItems(kv))[0]!;
  assert.deepEqual([item.available, item.reserved, item.sold], [23, 0, 2]);
});

Deno.test("settleReservation guards its reads: a concurrent change makes the commit fail", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(kv, "o-1", [{ itemId: "1", quantity: 2 }]);
  const op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-1", "sold"), "settled");
  await reserveItems(kv, "o-2", [{ itemId: "1", quantity: 1 }]);
  assert.equal((await op.commit()).ok, false);
});

const T0 = new Date("2025-01-01T12:00:00Z");
const TTL = 120_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

async function indexEntries(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  return (await Array.fromAsync(kv.list({ prefix: UNCONFIRMED }))).map((e) => e.key);
}

async function reservation(kv: Deno.Kv, orderId: string): Promise<StockReservation> {
  return (await kv.get<StockReservation>(reservationKey(orderId))).value!;
}

Deno.test("a reservation is indexed as unconfirmed until order.created confirms it, once", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(kv, "o-1", [{ itemId: "1", quantity: 2 }], () => T0);
  assert.deepEqual(await indexEntries(kv), [[...UNCONFIRMED, T0.getTime(), "o-1"]]);
  let op = kv.atomic();
  assert.equal(await confirmReservation({ kv, op }, "o-1", at(5)), "confirmed");
  assert.ok((await op.commit()).ok);
  assert.deepEqual(await indexEntries(kv), []);
  assert.equal((await reservation(kv, "o-1")).confirmedAt, at(5).toISOString());
  op = kv.atomic();
  assert.equal(await confirmReservation({ kv, op }, "o-1", at(6)), "already_confirmed");
  assert.equal(await confirmReservation({ kv, op }, "ghost", at(6)), "no_reservation");
});

Deno.test("sweepUnconfirmed releases only reservations unconfirmed for the TTL, through the release path", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(kv, "leaked", [{ itemId: "1", quantity: 2 }], () => T0);
  await reserveItems(kv, "confirmed", [{ itemId: "1", quantity: 3 }], () => T0);
  await reserveItems(kv, "young", [{ itemId: "1", quantity: 1 }], () => at(60_000));
  const op = kv.atomic();
  await confirmReservation({ kv, op }, "confirmed", at(10));
  await op.commit();

  assert.equal(await sweepUnconfirmed(kv, { ttlMs: TTL, now: at(TTL - 1) }), 0, "nothing is due yet");
  const released: string[] = [];
  assert.equal(
    await sweepUnconfirmed(kv, { ttlMs: TTL, now: at(TTL), onReleased: (id) => released.push(id) }),
    1,
  );
  assert.deepEqual(released, ["leaked"]);
  const leaked = await reservation(kv, "leaked");
  assert.deepEqual([leaked.status, leaked.releasedBecause], ["released", "expired"]);
  assert.equal((await reservation(kv, "confirmed")).status, "reserved");
  assert.equal((await reservation(kv, "young")).status, "reserved");
  const item = (await listItems(kv))[0]!;
  assert.deepEqual([item.available, item.reserved, item.sold], [25 - 4, 4, 0]);
  assert.deepEqual(await indexEntries(kv), [[...UNCONFIRMED, at(60_000).getTime(), "young"]]);
  assert.equal(await sweepUnconfirmed(kv, { ttlMs: TTL, now: at(TTL) }), 0, "released once");

  // a late order.created for the swept reservation does not resurrect it
  const late = kv.atomic();
  assert.equal(await confirmReservation({ kv, op: late }, "leaked", at(TTL + 5)), "expired");
  assert.equal((await reservation(kv, "leaked")).status, "released");
});

Deno.test("paid and cancelled reservations leave the unconfirmed index, so the sweeper never sees them", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(kv, "paid", [{ itemId: "2", quantity: 1 }], () => T0);
  await reserveItems(kv, "cancelled", [{ itemId: "2", quantity: 1 }], () => T0);
  for (const [id, to] of [["paid", "sold"], ["cancelled", "released"]] as const) {
    const op = kv.atomic();
    assert.equal(await settleReservation({ kv, op }, id, to, at(1)), "settled");
    assert.ok((await op.commit()).ok);
  }
  assert.deepEqual(await indexEntries(kv), []);
  assert.equal(await sweepUnconfirmed(kv, { ttlMs: TTL, now: at(10 * TTL) }), 0);
  assert.equal((await reservation(kv, "paid")).status, "sold");
  assert.equal((await reservation(kv, "cancelled")).releasedBecause, "cancelled");
});

Deno.test("a confirmation racing the sweeper wins or loses atomically, never both", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(kv, "o-1", [{ itemId: "3", quantity: 2 }], () => T0);
  // the sweeper's plan is made, then order.created commits first
  const sweepOp = kv.atomic();
  assert.equal(
    await settleReservation({ kv, op: sweepOp }, "o-1", { expiredAfterMs: TTL }, at(TTL)),
    "settled",
  );
  const confirmOp = kv.atomic();
  assert.equal(await confirmReservation({ kv, op: confirmOp }, "o-1", at(TTL)), "confirmed");
  assert.ok((await confirmOp.commit()).ok);
  assert.equal((await sweepOp.commit()).ok, false, "the sweeper's stale plan fails its check");
  assert.equal(await sweepUnconfirmed(kv, { ttlMs: TTL, now: at(TTL) }), 0);
  const r = await reservation(kv, "o-1");
  assert.deepEqual([r.status, r.confirmedAt], ["reserved", at(TTL).toISOString()]);
});
