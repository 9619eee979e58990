import assert from "node:assert/strict";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { checkItemForm, itemFieldOf, parsePrice, valuesOf } from "./menu_form.ts";

const ITEM: Item = {
  id: "1",
  name: "Margherita",
  description: "Tomato",
  price: { amount: 850, currency: "EUR" },
  available: 5,
  reserved: 0,
  sold: 0,
  category: "Pizzas",
  tags: [],
  allergens: [],
  image: "",
  position: 10,
  station: "oven",
  offMenu: false,
  updatedAt: undefined,
};

Deno.test("parsePrice reads prices as staff type them, in cents, and says what is wrong otherwise", () => {
  assert.equal(parsePrice("8.50"), 850);
  assert.equal(parsePrice("8,5"), 850);
  assert.equal(parsePrice(" 12 "), 1200);
  assert.equal(parsePrice("€ 9.99"), 999);
  assert.equal(parsePrice(""), "Enter a price, e.g. 8.50.");
  assert.equal(parsePrice("0"), "Price must be above zero.");
  assert.match(parsePrice("-3") as string, /amount like 8.50, got "-3"/);
  assert.match(parsePrice("8.505") as string, /amount like 8.50/);
  assert.match(parsePrice("abc") as string, /got "abc"/);
});

Deno.test("checkItemForm turns valid values into the changes, trimmed, in the item's currency", () => {
  const check = checkItemForm(
    { ...valuesOf(ITEM), name: " Margherita DOP ", price: "9.90", station: "Oven" },
    ITEM,
  );
  assert.ok(check.ok);
  assert.deepEqual(check.changes, {
    name: "Margherita DOP",
    description: "Tomato",
    price: { amount: 990, currency: "EUR" },
    category: "Pizzas",
    station: "oven",
  });
});

Deno.test("checkItemForm names every bad field and why", () => {
  const check = checkItemForm({
    name: "  ",
    description: "d".repeat(501),
    price: "free",
    category: "c".repeat(41),
    station: "wood oven",
  }, ITEM);
  assert.ok(!check.ok);
  assert.deepEqual(Object.keys(check.errors).sort(), ["category", "description", "name", "price", "station"]);
  assert.equal(check.errors.name, "Enter the item's name.");
  assert.match(check.errors.description!, /at most 500 characters \(it has 501\)/);
  assert.match(check.errors.station!, /short name like "oven"/);
});

Deno.test("itemFieldOf maps a service's field to the form's", () => {
  assert.equal(itemFieldOf("price"), "price");
  assert.equal(itemFieldOf("image"), "photo");
  assert.equal(itemFieldOf("id"), null);
  assert.equal(itemFieldOf(undefined), null);
});
