import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { compareItemIds, compareMenuOrder, MAX_COUNT, restock, type StockItem } from "./item.ts";
import { MENU } from "./menu.ts";

const ITEM: StockItem = {
  id: "1",
  name: "Margherita",
  description: "",
  price: 850,
  currency: "EUR",
  available: 1,
  reserved: 2,
  sold: 3,
};

Deno.test("restock adds units to available only", () => {
  assert.deepEqual(restock(ITEM, 10), { ...ITEM, available: 11 });
});

Deno.test("restock rejects quantities that are not positive integers", () => {
  for (const q of [0, -1, 1.5, Number.NaN, 1_000_001]) {
    assert.throws(() => restock(ITEM, q), (err: unknown) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, "invalid_argument");
      assert.equal(err.field, "quantity");
      return true;
    });
  }
});

Deno.test("restock refuses to overflow the int32 counts", () => {
  assert.throws(() => restock({ ...ITEM, available: MAX_COUNT - 5 }, 1), /would exceed/);
});

Deno.test("compareItemIds sorts decimal ids numerically", () => {
  assert.deepEqual(["10", "2", "1", "b", "a"].sort(compareItemIds), ["1", "2", "10", "a", "b"]);
});

Deno.test("the demo menu has priced items with the decimal ids 1..n, each once", () => {
  assert.deepEqual(
    MENU.map((m) => m.id).sort(compareItemIds),
    Array.from({ length: MENU.length }, (_, i) => String(i + 1)),
  );
  for (const m of MENU) {
    assert.ok(m.price > 0 && Number.isInteger(m.price));
    assert.ok(m.quantity > 0);
  }
});

Deno.test("compareMenuOrder sorts by position, then name, then id", () => {
  const item = (id: string, name: string, position?: number) => ({ ...ITEM, id, name, position });
  const sorted = [item("3", "B", 20), item("2", "A", 20), item("1", "Z", 10), item("4", "A", 20)]
    .sort(compareMenuOrder);
  assert.deepEqual(sorted.map((i) => i.id), ["1", "2", "4", "3"]);
  assert.equal([item("9", "Late", 10), item("8", "Old")].sort(compareMenuOrder)[0]!.id, "8", "absent is 0");
});
