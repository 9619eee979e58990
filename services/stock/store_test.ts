import assert from "node:assert/strict";
import { MENU } from "./domain/menu.ts";
import type { StockReservation } from "./domain/reservation.ts";
import {
  itemKey,
  listItems,
  listOverdueUnconfirmed,
  readItems,
  readReservationAndItems,
  readReservationWithItems,
  reservationKey,
  seedCatalog,
  UNCONFIRMED,
  upgradeCatalog,
} from "./store.ts";
import type { StockItem } from "./domain/item.ts";
import { reserveItems, resolveOverdue, settleReservation } from "./app.ts";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";

const uowLog = createLogger("stock", "error");

/** A unit of work over `kv` (stock's commits announce nothing, so the relay is not woken). */
const uowOf = (kv: Deno.Kv) => unitOfWork({ kv, kick: () => {}, log: uowLog, maxAttempts: 100 });

Deno.test("seedCatalog seeds the demo menu once, only into an empty catalog", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await seedCatalog(kv), true);
  assert.equal(await seedCatalog(kv), false);
  const items = await listItems(kv);
  assert.equal(items.length, MENU.length);
  assert.deepEqual(items.map((i) => i.available), MENU.map((m) => m.quantity));
});

Deno.test("the seeded catalog lists in menu order with category, tags, allergens, image and position", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const items = await listItems(kv);
  assert.deepEqual(items.map((i) => i.id), MENU.map((m) => m.id), "by position: the table's order");
  const caesar = items.find((i) => i.id === "7")!;
  assert.deepEqual(
    [caesar.category, caesar.tags, caesar.allergens, caesar.image, caesar.position],
    ["Salads", [], ["gluten", "eggs", "fish", "milk"], "/menu/caesar-salad.svg", 80],
  );
  assert.equal(items.find((i) => i.id === "14")?.image, "/menu/sparkling-water.svg");
});

/** A catalog as an older stock seeded it: ids 1-10 without menu fields, with staff's changes. */
async function oldCatalog(kv: Deno.Kv): Promise<void> {
  const op = kv.atomic().set(["catalog", "seeded"], "2025-01-01T00:00:00.000Z");
  for (const m of MENU.filter((m) => Number(m.id) <= 10)) {
    const item: StockItem = {
      id: m.id,
      name: m.name,
      description: m.description,
      price: m.id === "1" ? 990 : m.price, // staff raised a price
      currency: "EUR",
      available: 3,
      reserved: 2,
      sold: 7,
      ...(m.id === "2" ? { image: "/media/items/2/abc" } : {}), // staff uploaded a photo
    };
    op.set(itemKey(m.id), item);
  }
  assert.ok((await op.commit()).ok);
}

Deno.test("upgradeCatalog fills the menu fields of old demo items and adds the new ones, touching no stock or price", async () => {
  using kv = await Deno.openKv(":memory:");
  await oldCatalog(kv);
  assert.equal(await seedCatalog(kv), false, "not empty: no seed");
  const first = await upgradeCatalog(kv);
  assert.deepEqual(first.filled, MENU.filter((m) => Number(m.id) <= 10).map((m) => m.id));
  assert.deepEqual(first.added, ["11", "12", "13", "14"]);
  const items = await listItems(kv);
  assert.deepEqual(items.map((i) => i.id), MENU.map((m) => m.id), "menu order");
  const margherita = items.find((i) => i.id === "1")!;
  assert.deepEqual(
    [margherita.price, margherita.available, margherita.reserved, margherita.sold],
    [990, 3, 2, 7],
    "price and counts as they were",
  );
  assert.deepEqual(
    [margherita.category, margherita.tags, margherita.allergens, margherita.image, margherita.position],
    ["Pizzas", ["vegetarian"], ["gluten", "milk"], "/menu/margherita.svg", 10],
  );
  assert.equal(items.find((i) => i.id === "2")?.image, "/media/items/2/abc", "a field staff set stays");
  assert.deepEqual(
    items.map((i) => [i.id, i.station]),
    MENU.map((m) => [m.id, m.station]),
    "every demo item gets its kitchen station",
  );
  const caprese = items.find((i) => i.id === "11")!;
  assert.deepEqual([caprese.price, caprese.available, caprese.reserved], [950, 20, 0]);
  const again = await upgradeCatalog(kv);
  assert.deepEqual(again, { filled: [], added: [] }, "idempotent");
  assert.deepEqual(await listItems(kv), items);
});

Deno.test("upgradeCatalog leaves a catalog not seeded from the demo menu alone", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.deepEqual(await upgradeCatalog(kv), { filled: [], added: [] });
  assert.equal((await listItems(kv)).length, 0);
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
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "1", quantity: 2 }]);
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
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "1", quantity: 2 }]);
  const op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-1", "sold"), "settled");
  await reserveItems(uowOf(kv), "o-2", [{ itemId: "1", quantity: 1 }]);
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

Deno.test("a reservation is indexed as unconfirmed until its order is paid or cancelled", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "1", quantity: 2 }], () => T0);
  await reserveItems(uowOf(kv), "o-2", [{ itemId: "1", quantity: 1 }], () => T0);
  assert.deepEqual(await indexEntries(kv), [[...UNCONFIRMED, T0.getTime(), "o-1"], [
    ...UNCONFIRMED,
    T0.getTime(),
    "o-2",
  ]]);
  let op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-1", "sold", at(5)), "settled");
  assert.ok((await op.commit()).ok);
  op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-2", "released", at(5)), "settled");
  assert.ok((await op.commit()).ok);
  assert.deepEqual(await indexEntries(kv), [], "the sweeper never asks about a settled reservation");
});

Deno.test("listOverdueUnconfirmed reads only reservations unconfirmed for the TTL, oldest first", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "older", [{ itemId: "1", quantity: 1 }], () => T0);
  await reserveItems(uowOf(kv), "paid", [{ itemId: "1", quantity: 1 }], () => T0);
  await reserveItems(uowOf(kv), "young", [{ itemId: "1", quantity: 1 }], () => at(60_000));
  await reserveItems(uowOf(kv), "old", [{ itemId: "1", quantity: 1 }], () => at(1));
  const op = kv.atomic();
  await settleReservation({ kv, op }, "paid", "sold", at(10));
  await op.commit();
  assert.deepEqual(await listOverdueUnconfirmed(kv, at(-1).getTime(), 10), []);
  const due = await listOverdueUnconfirmed(kv, at(1).getTime(), 10);
  assert.deepEqual(due.map((e) => e.value), ["older", "old"]);
  assert.deepEqual((await listOverdueUnconfirmed(kv, at(TTL).getTime(), 1)).map((e) => e.value), ["older"]);
});

Deno.test("resolveOverdue releases (saying why), confirms or keeps as decided, guarded by the reservation", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  for (const id of ["gone", "cancelled", "alive", "unknown"]) {
    await reserveItems(uowOf(kv), id, [{ itemId: "1", quantity: 2 }], () => T0);
  }
  const entry = async (id: string) =>
    (await listOverdueUnconfirmed(kv, T0.getTime(), 10)).find((e) => e.value === id)!;
  const now = at(TTL);
  assert.equal(
    await resolveOverdue(
      uowOf(kv),
      await entry("gone"),
      { action: "release", because: "no_order" },
      TTL,
      now,
    ),
    "released",
  );
  assert.equal(
    await resolveOverdue(
      uowOf(kv),
      await entry("cancelled"),
      { action: "release", because: "cancelled" },
      TTL,
      now,
    ),
    "released",
  );
  assert.equal(
    await resolveOverdue(uowOf(kv), await entry("alive"), { action: "confirm" }, TTL, now),
    "confirmed",
  );
  assert.equal(await resolveOverdue(uowOf(kv), await entry("unknown"), { action: "keep" }, TTL, now), "kept");

  assert.deepEqual(
    [(await reservation(kv, "gone")).status, (await reservation(kv, "gone")).releasedBecause],
    ["released", "no_order"],
  );
  assert.equal((await reservation(kv, "cancelled")).releasedBecause, "cancelled");
  const alive = await reservation(kv, "alive");
  assert.deepEqual([alive.status, alive.confirmedBy, alive.confirmedAt], [
    "reserved",
    "orders",
    now.toISOString(),
  ]);
  assert.equal((await reservation(kv, "unknown")).status, "reserved");
  assert.deepEqual(
    await indexEntries(kv),
    [[...UNCONFIRMED, T0.getTime(), "unknown"]],
    "only the kept one is asked again",
  );
  const item = (await listItems(kv))[0]!;
  assert.deepEqual([item.available, item.reserved, item.sold], [25 - 4, 4, 0]);
});

Deno.test("resolveOverdue never releases a reservation younger than the TTL, even when told its order does not exist", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "young", [{ itemId: "1", quantity: 1 }], () => T0);
  const [e] = await listOverdueUnconfirmed(kv, T0.getTime(), 10);
  assert.equal(
    await resolveOverdue(uowOf(kv), e!, { action: "release", because: "no_order" }, TTL, at(TTL - 1)),
    "kept",
  );
  assert.equal((await reservation(kv, "young")).status, "reserved");
});

Deno.test("a reservation released because its order did not exist is reserved afresh when orders retries the create", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "8", quantity: 3 }], () => T0);
  const [e] = await listOverdueUnconfirmed(kv, T0.getTime(), 10);
  await resolveOverdue(uowOf(kv), e!, { action: "release", because: "no_order" }, TTL, at(TTL));
  const again = await reserveItems(uowOf(kv), "o-1", [{ itemId: "8", quantity: 3 }], () => at(TTL + 1));
  assert.deepEqual([again.status, again.createdAt], ["reserved", at(TTL + 1).toISOString()]);
  const item8 = (await listItems(kv)).find((i) => i.id === "8")!;
  assert.deepEqual([item8.available, item8.reserved], [10 - 3, 3]);
  assert.deepEqual(await indexEntries(kv), [[...UNCONFIRMED, at(TTL + 1).getTime(), "o-1"]]);
});

Deno.test("paid and cancelled reservations leave the unconfirmed index, so the sweeper never sees them", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "paid", [{ itemId: "2", quantity: 1 }], () => T0);
  await reserveItems(uowOf(kv), "cancelled", [{ itemId: "2", quantity: 1 }], () => T0);
  for (const [id, to] of [["paid", "sold"], ["cancelled", "released"]] as const) {
    const op = kv.atomic();
    assert.equal(await settleReservation({ kv, op }, id, to, at(1)), "settled");
    assert.ok((await op.commit()).ok);
  }
  assert.deepEqual(await indexEntries(kv), []);
  assert.equal((await reservation(kv, "paid")).status, "sold");
  assert.equal((await reservation(kv, "cancelled")).releasedBecause, "cancelled");
});

/** `kv` whose next atomic commit first runs `before` (another writer landing in between). */
function interleaved(kv: Deno.Kv, before: () => Promise<void>): Deno.Kv {
  let pending: (() => Promise<void>) | undefined = before;
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = async () => {
            const hook = pending;
            pending = undefined;
            await hook?.();
            return await commit();
          };
          return op;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("an order.paid landing between the sweeper's read and its release commit wins: the release fails its check", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "3", quantity: 2 }], () => T0);
  const before = (await listItems(kv)).find((i) => i.id === "3")!;
  const [entry] = await listOverdueUnconfirmed(kv, T0.getTime(), 10);
  const racing = interleaved(kv, async () => {
    const op = kv.atomic();
    assert.equal(await settleReservation({ kv, op }, "o-1", "sold", at(TTL)), "settled");
    assert.ok((await op.commit()).ok);
  });
  assert.equal(
    await resolveOverdue(uowOf(racing), entry!, { action: "release", because: "no_order" }, TTL, at(TTL)),
    "stale",
  );
  assert.equal((await reservation(kv, "o-1")).status, "sold");
  const item = (await listItems(kv)).find((i) => i.id === "3")!;
  assert.deepEqual(
    [item.reserved, item.sold],
    [before.reserved - 2, before.sold + 2],
    "sold, not released",
  );
});

Deno.test("a sale before the sweeper's release leaves the release nothing to do", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "3", quantity: 2 }], () => T0);
  // the sweeper read the overdue entry and asked orders ("no such order"), then order.paid commits
  const [entry] = await listOverdueUnconfirmed(kv, T0.getTime(), 10);
  const paidOp = kv.atomic();
  assert.equal(await settleReservation({ kv, op: paidOp }, "o-1", "sold", at(TTL)), "settled");
  assert.ok((await paidOp.commit()).ok);
  assert.equal(
    await resolveOverdue(uowOf(kv), entry!, { action: "release", because: "no_order" }, TTL, at(TTL)),
    "stale",
    "the sweeper re-reads the reservation and leaves a settled one alone",
  );
  assert.equal((await reservation(kv, "o-1")).status, "sold");
});

Deno.test("readReservationAndItems reads the reservation with the first 9 items in one getMany, the rest in chunks of 10", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "o-1", [{ itemId: MENU[0]!.id, quantity: 1 }]);
  const calls: number[] = [];
  const counting = new Proxy(kv, {
    get(target, prop) {
      if (prop === "getMany") {
        return (keys: Deno.KvKey[]) => {
          calls.push(keys.length);
          return target.getMany(keys);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const ids = Array.from({ length: 12 }, (_, i) => MENU[i]?.id ?? `missing-${i}`);
  const got = await readReservationAndItems(counting, "o-1", ids);
  assert.deepEqual(calls, [10, 3]);
  assert.equal(got.reservation.value?.orderId, "o-1");
  assert.deepEqual(got.entries.map((e) => e.key), ids.map(itemKey), "one entry per id, in order");
  assert.deepEqual([...got.items.keys()].sort(), MENU.slice(0, 12).map((m) => m.id).sort());
  calls.length = 0;
  const few = await readReservationAndItems(counting, "o-2", ids.slice(0, 3));
  assert.deepEqual(calls, [4], "a reservation and 3 items: one read");
  assert.equal(few.reservation.versionstamp, null);
  assert.equal(few.entries.length, 3);
});

/** `kv` counting the keys of each getMany into `calls`. */
function countingGetMany(kv: Deno.Kv, calls: number[]): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "getMany") {
        return (keys: Deno.KvKey[]) => {
          calls.push(keys.length);
          return target.getMany(keys);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("readReservationWithItems gives the reservation's own items as readItems would, in one read when the likely items cover them", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const ids = [MENU[0]!.id, MENU[1]!.id, MENU[2]!.id];
  await reserveItems(uowOf(kv), "o-1", ids.map((itemId) => ({ itemId, quantity: 1 })));
  const calls: number[] = [];
  const counting = countingGetMany(kv, calls);
  const expected = await readItems(kv, ids);
  const covered = await readReservationWithItems(counting, "o-1", [MENU[3]!.id, ...ids, ids[0]!]);
  assert.deepEqual(calls, [5], "reservation + 4 distinct likely items: one read");
  assert.deepEqual(covered.entries, expected.entries, "only the reservation's items, in its order");
  assert.deepEqual(covered.items, expected.items);
  calls.length = 0;
  const partly = await readReservationWithItems(counting, "o-1", [ids[1]!]);
  assert.deepEqual(calls, [2, 2], "the two items not named are read after");
  assert.deepEqual(partly.entries, expected.entries);
  calls.length = 0;
  const none = await readReservationWithItems(counting, "o-1", []);
  assert.deepEqual(none.entries, expected.entries);
  const unknown = await readReservationWithItems(counting, "nope", ids);
  assert.equal(unknown.reservation.value, null);
  assert.deepEqual(unknown.entries, []);
});

Deno.test("settleReservation with likely items checks the reservation's items only: a change to another named item does not fail it", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(uowOf(kv), "o-1", [{ itemId: "1", quantity: 2 }]);
  let op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-1", "sold", new Date(), ["1", "2"]), "settled");
  await reserveItems(uowOf(kv), "o-2", [{ itemId: "2", quantity: 1 }]);
  assert.ok((await op.commit()).ok, "item 2 is not the reservation's");
  const item = (await listItems(kv))[0]!;
  assert.deepEqual([item.available, item.reserved, item.sold], [23, 0, 2]);
  // and its own items stay guarded
  await reserveItems(uowOf(kv), "o-3", [{ itemId: "1", quantity: 1 }]);
  op = kv.atomic();
  assert.equal(await settleReservation({ kv, op }, "o-3", "sold", new Date(), ["1"]), "settled");
  await reserveItems(uowOf(kv), "o-4", [{ itemId: "1", quantity: 1 }]);
  assert.equal((await op.commit()).ok, false);
});
