import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import type { StockItem } from "./item.ts";
import { editItem, isOnMenu, MAX_DESCRIPTION, setOffMenu, validateItemEdit } from "./item_edit.ts";
import { reserve } from "./reservation.ts";

const ITEM: StockItem = {
  id: "1",
  name: "Margherita",
  description: "Tomato, mozzarella, basil",
  price: 850,
  currency: "EUR",
  available: 10,
  reserved: 0,
  sold: 0,
  category: "Pizzas",
  image: "/menu/margherita.svg",
};
const BY = { staff: "ada", at: new Date("2026-11-30T12:00:00Z") };

function refused(fn: () => unknown, field: string, message: RegExp): void {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, "invalid_argument");
    assert.equal(err.field, field);
    assert.match(err.message, message);
    return true;
  });
}

Deno.test("editItem changes only the fields given, trimmed, and records who and when", () => {
  const next = editItem(ITEM, { name: "  Margherita DOP ", price: { amount: 990, currency: "EUR" } }, BY);
  assert.equal(next.name, "Margherita DOP");
  assert.equal(next.price, 990);
  assert.equal(next.description, ITEM.description);
  assert.equal(next.category, "Pizzas");
  assert.equal(next.updatedBy, "ada");
  assert.equal(next.updatedAt, "2026-11-30T12:00:00.000Z");
  assert.equal(ITEM.price, 850, "the item read is not changed");
});

Deno.test("editItem sets station, category, image and clears them with empty text", () => {
  const hash = "a".repeat(64);
  const next = editItem(ITEM, { station: "oven", category: "Specials", image: `/media/items/1/${hash}` }, BY);
  assert.deepEqual([next.station, next.category, next.image], ["oven", "Specials", `/media/items/1/${hash}`]);
  const cleared = editItem(next, { station: "", category: "", image: "" }, BY);
  assert.deepEqual([cleared.station, cleared.category, cleared.image], ["", "", ""]);
});

Deno.test("validateItemEdit refuses each bad field, naming it and why", () => {
  refused(() => validateItemEdit(ITEM, { name: "   " }), "name", /must not be empty/);
  refused(() => validateItemEdit(ITEM, { name: "x".repeat(81) }), "name", /at most 80 characters, got 81/);
  refused(() => validateItemEdit(ITEM, { name: "a\u0007b" }), "name", /control characters/);
  refused(
    () => validateItemEdit(ITEM, { description: "d".repeat(MAX_DESCRIPTION + 1) }),
    "description",
    /at most 500 characters/,
  );
  refused(() => validateItemEdit(ITEM, { price: { amount: 0, currency: "EUR" } }), "price", /from 1 to/);
  refused(() => validateItemEdit(ITEM, { price: { amount: -5, currency: "EUR" } }), "price", /got -5/);
  refused(() => validateItemEdit(ITEM, { price: { amount: 1.5, currency: "EUR" } }), "price", /whole number/);
  refused(
    () => validateItemEdit(ITEM, { price: { amount: 900, currency: "USD" } }),
    "price",
    /in EUR.*"USD"/,
  );
  refused(() => validateItemEdit(ITEM, { category: "c".repeat(41) }), "category", /at most 40/);
  refused(() => validateItemEdit(ITEM, { station: "Wood Oven" }), "station", /short name.*"Wood Oven"/);
  refused(() => validateItemEdit(ITEM, { station: "x".repeat(25) }), "station", /at most 24/);
  refused(() => validateItemEdit(ITEM, { image: "https://evil.example/a.png" }), "image", /serves/);
  refused(() => validateItemEdit(ITEM, { image: "/media/items/../x" }), "image", /serves/);
});

Deno.test("setOffMenu marks the item and records who; isOnMenu follows it", () => {
  const off = setOffMenu(ITEM, true, BY);
  assert.equal(off.offMenu, true);
  assert.equal(off.updatedBy, "ada");
  assert.equal(isOnMenu(off), false);
  assert.equal(isOnMenu(setOffMenu(off, false, BY)), true);
  assert.equal(isOnMenu(ITEM), true, "items stored before 86 existed are on the menu");
});

Deno.test("reserve refuses an item off the menu with item_unavailable naming it, whatever its stock", () => {
  const off = setOffMenu(ITEM, true, BY);
  const lines = [{ itemId: "2", quantity: 1, index: 0 }, { itemId: "1", quantity: 2, index: 1 }];
  const items = new Map([["1", off], ["2", { ...ITEM, id: "2", name: "Marinara" }]]);
  assert.throws(() => reserve("o-1", lines, items, new Date()), (err) => {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, "item_unavailable");
    assert.equal(err.field, "items[1].id");
    assert.equal(err.message, "Margherita is not available today. Please remove it from your order.");
    assert.deepEqual(err.shortages, [{ itemId: "1", name: "Margherita", requested: 2, available: 0 }]);
    return true;
  });
  const back = setOffMenu(off, false, BY);
  assert.equal(
    reserve("o-1", lines, new Map([...items, ["1", back]]), new Date()).reservation.total,
    3 * 850,
  );
});

Deno.test("a reservation keeps the price it was made at when the price changes later", () => {
  const before = reserve("o-1", [{ itemId: "1", quantity: 1, index: 0 }], new Map([["1", ITEM]]), new Date());
  const dearer = editItem(ITEM, { price: { amount: 1200, currency: "EUR" } }, BY);
  const after = reserve(
    "o-2",
    [{ itemId: "1", quantity: 1, index: 0 }],
    new Map([["1", dearer]]),
    new Date(),
  );
  assert.equal(before.reservation.lines[0]!.unitPrice, 850);
  assert.equal(after.reservation.lines[0]!.unitPrice, 1200);
});
