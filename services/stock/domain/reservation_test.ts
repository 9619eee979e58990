import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import type { StockItem } from "./item.ts";
import { mergeLines } from "./lines.ts";
import {
  confirm,
  holdStart,
  isOrphanRelease,
  isOverdueUnconfirmed,
  release,
  releaseUnclaimed,
  renewHold,
  reserve,
  sell,
} from "./reservation.ts";

const NOW = new Date("2025-01-01T12:00:00Z");
const TTL = 120_000;
const LATER = new Date(NOW.getTime() + 10 * TTL);

function item(id: string, name: string, price: number, available: number): StockItem {
  return { id, name, description: "", price, currency: "EUR", available, reserved: 0, sold: 0 };
}

function catalog(...items: StockItem[]): Map<string, StockItem> {
  return new Map(items.map((i) => [i.id, i]));
}

Deno.test("reserve prices merged lines and moves units from available to reserved", () => {
  const items = catalog(item("1", "Margherita", 850, 5), item("2", "Marinara", 700, 2));
  const lines = mergeLines([{ itemId: "1", quantity: 1 }, { itemId: "2", quantity: 2 }, {
    itemId: "1",
    quantity: 2,
  }]);
  const { reservation, items: changed } = reserve("o-1", lines, items, NOW);
  assert.equal(reservation.status, "reserved");
  assert.equal(reservation.total, 3 * 850 + 2 * 700);
  assert.equal(reservation.currency, "EUR");
  assert.deepEqual(reservation.lines, [
    { itemId: "1", name: "Margherita", quantity: 3, unitPrice: 850 },
    { itemId: "2", name: "Marinara", quantity: 2, unitPrice: 700 },
  ]);
  assert.deepEqual(changed.map((i) => [i.id, i.available, i.reserved]), [["1", 2, 3], ["2", 0, 2]]);
});

Deno.test("reserve names every unknown item", () => {
  const items = catalog(item("1", "Margherita", 850, 5));
  const lines = mergeLines([{ itemId: "1", quantity: 1 }, { itemId: "x", quantity: 1 }, {
    itemId: "y",
    quantity: 1,
  }]);
  assert.throws(() => reserve("o-1", lines, items, NOW), (err: unknown) => {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, "unknown_item");
    assert.equal(err.message, 'Unknown items "x", "y"');
    assert.equal(err.field, "items[1].id");
    return true;
  });
});

Deno.test("reserve is all-or-nothing: one short line reports every shortage", () => {
  const items = catalog(
    item("1", "Margherita", 850, 1),
    item("2", "Marinara", 700, 9),
    item("3", "Diavola", 1, 0),
  );
  const lines = mergeLines([{ itemId: "1", quantity: 3 }, { itemId: "2", quantity: 1 }, {
    itemId: "3",
    quantity: 1,
  }]);
  assert.throws(() => reserve("o-1", lines, items, NOW), (err: unknown) => {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, "out_of_stock");
    assert.equal(
      err.message,
      "Not enough stock for: Margherita (requested 3, available 1), Diavola (requested 1, available 0)",
    );
    assert.equal(err.field, "items");
    assert.deepEqual(err.shortages, [
      { itemId: "1", name: "Margherita", requested: 3, available: 1 },
      { itemId: "3", name: "Diavola", requested: 1, available: 0 },
    ]);
    return true;
  });
  assert.equal(items.get("2")!.available, 9);
});

Deno.test("sell moves reserved units to sold once", () => {
  const items = catalog(item("1", "Margherita", 850, 5));
  const reserved = reserve("o-1", [{ itemId: "1", quantity: 2, index: 0 }], items, NOW);
  const sold = sell(reserved.reservation, catalog(...reserved.items), NOW);
  assert.ok(sold);
  assert.equal(sold.reservation.status, "sold");
  assert.deepEqual(sold.items.map((i) => [i.available, i.reserved, i.sold]), [[3, 0, 2]]);
  assert.equal(sell(sold.reservation, catalog(...sold.items), NOW), undefined);
  assert.equal(release(sold.reservation, catalog(...sold.items), NOW), undefined);
});

Deno.test("release returns reserved units to available once", () => {
  const items = catalog(item("1", "Margherita", 850, 5));
  const reserved = reserve("o-1", [{ itemId: "1", quantity: 2, index: 0 }], items, NOW);
  const released = release(reserved.reservation, catalog(...reserved.items), NOW);
  assert.ok(released);
  assert.equal(released.reservation.status, "released");
  assert.deepEqual(released.items.map((i) => [i.available, i.reserved, i.sold]), [[5, 0, 0]]);
  assert.equal(release(released.reservation, catalog(...released.items), NOW), undefined);
  assert.equal(sell(released.reservation, catalog(...released.items), NOW), undefined);
});

Deno.test("settling refuses to drive a reserved count below zero", () => {
  const items = catalog(item("1", "Margherita", 850, 5));
  const reserved = reserve("o-1", [{ itemId: "1", quantity: 2, index: 0 }], items, NOW);
  assert.throws(() => sell(reserved.reservation, items, NOW), /fewer than the 2/);
});

Deno.test("confirm marks an unconfirmed reservation once; a repeat changes nothing", () => {
  const { reservation } = reserve(
    "o-1",
    [{ itemId: "1", quantity: 1, index: 0 }],
    catalog(item("1", "M", 850, 5)),
    NOW,
  );
  assert.equal(reservation.confirmedAt, undefined);
  const confirmed = confirm(reservation, LATER);
  assert.equal(confirmed.reservation?.confirmedAt, LATER.toISOString());
  assert.equal(confirmed.reservation?.status, "reserved");
  assert.deepEqual(confirm(confirmed.reservation!, LATER), { ignored: "already_confirmed" });
});

Deno.test("confirm never resurrects a reservation released because its order did not exist, nor touches a settled one", () => {
  const items = catalog(item("1", "M", 850, 5));
  const reserved = reserve("o-1", [{ itemId: "1", quantity: 1, index: 0 }], items, NOW);
  const orphan = releaseUnclaimed(reserved.reservation, catalog(...reserved.items), LATER, TTL, "no_order")!;
  assert.equal(orphan.reservation.releasedBecause, "no_order");
  assert.ok(isOrphanRelease(orphan.reservation));
  assert.deepEqual(confirm(orphan.reservation, LATER), { ignored: "orphaned" });
  const legacy = { ...orphan.reservation, releasedBecause: "expired" as const };
  assert.deepEqual(confirm(legacy, LATER), { ignored: "orphaned" }, "records of the old TTL sweeper too");
  const cancelled = release(reserved.reservation, catalog(...reserved.items), LATER)!;
  assert.equal(cancelled.reservation.releasedBecause, "cancelled");
  assert.deepEqual(confirm(cancelled.reservation, LATER), { ignored: "settled" });
  const sold = sell(reserved.reservation, catalog(...reserved.items), LATER)!;
  assert.deepEqual(confirm(sold.reservation, LATER), { ignored: "settled" });
});

Deno.test("releaseUnclaimed releases only a reserved, unconfirmed reservation at least TTL old, saying why", () => {
  const items = catalog(item("1", "M", 850, 5));
  const reserved = reserve("o-1", [{ itemId: "1", quantity: 2, index: 0 }], items, NOW);
  const held = catalog(...reserved.items);
  const justBefore = new Date(NOW.getTime() + TTL - 1);
  assert.equal(isOverdueUnconfirmed(reserved.reservation, justBefore, TTL), false);
  assert.equal(releaseUnclaimed(reserved.reservation, held, justBefore, TTL, "no_order"), undefined);
  const atTtl = new Date(NOW.getTime() + TTL);
  const released = releaseUnclaimed(reserved.reservation, held, atTtl, TTL, "cancelled");
  assert.ok(released);
  assert.deepEqual([released.reservation.status, released.reservation.releasedBecause], [
    "released",
    "cancelled",
  ]);
  assert.equal(isOrphanRelease(released.reservation), false);
  assert.deepEqual(released.items.map((i) => [i.available, i.reserved, i.sold]), [[5, 0, 0]]);
  const confirmed = confirm(reserved.reservation, NOW, "orders").reservation!;
  assert.equal(confirmed.confirmedBy, "orders");
  assert.equal(
    releaseUnclaimed(confirmed, held, LATER, TTL, "no_order"),
    undefined,
    "a confirmed one is kept",
  );
  assert.equal(
    releaseUnclaimed(released.reservation, catalog(...released.items), LATER, TTL, "no_order"),
    undefined,
    "released once",
  );
});

Deno.test("renewHold restarts an unconfirmed reservation's TTL at its order's new ask; anything else is left as it is", () => {
  const items = catalog(item("1", "M", 850, 5));
  const reserved = reserve("o-1", [{ itemId: "1", quantity: 2, index: 0 }], items, NOW);
  const held = catalog(...reserved.items);
  assert.equal(holdStart(reserved.reservation), NOW.toISOString(), "from its making");
  const askedAgain = new Date(NOW.getTime() + TTL + 5);
  const renewed = renewHold(reserved.reservation, askedAgain)!;
  assert.deepEqual([renewed.status, renewed.heldSince, renewed.updatedAt, renewed.createdAt], [
    "reserved",
    askedAgain.toISOString(),
    askedAgain.toISOString(),
    NOW.toISOString(),
  ]);
  assert.equal(holdStart(renewed), askedAgain.toISOString());
  const oneTtlAfterMaking = new Date(NOW.getTime() + TTL + 10);
  assert.equal(isOverdueUnconfirmed(reserved.reservation, oneTtlAfterMaking, TTL), true);
  assert.equal(isOverdueUnconfirmed(renewed, oneTtlAfterMaking, TTL), false, "a whole TTL from the ask");
  assert.equal(releaseUnclaimed(renewed, held, oneTtlAfterMaking, TTL, "no_order"), undefined);
  assert.equal(isOverdueUnconfirmed(renewed, new Date(askedAgain.getTime() + TTL), TTL), true);

  const confirmed = confirm(reserved.reservation, NOW, "orders").reservation!;
  assert.equal(renewHold(confirmed, askedAgain), undefined, "confirmed: the sweeper never asks again");
  assert.equal(renewHold(sell(reserved.reservation, held, NOW)!.reservation, askedAgain), undefined);
  assert.equal(renewHold(release(reserved.reservation, held, NOW)!.reservation, askedAgain), undefined);
});
