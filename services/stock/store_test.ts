import assert from "node:assert/strict";
import { MENU } from "./domain/menu.ts";
import { listItems, reserveItems, seedCatalog, settleReservation } from "./store.ts";

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
