import assert from "node:assert/strict";
import {
  allergensText,
  imageSrc,
  type MenuProduct,
  menuSections,
  menuSignature,
  OTHER_CATEGORY,
  PLACEHOLDER_IMAGE,
  shownAvailable,
  slug,
  tagBadges,
} from "./menu.ts";
import { MAX_LINE_QUANTITY } from "../../lib/cart.ts";
import { FEW_LEFT, stockKind, stockText } from "../../lib/stock_text.ts";

function item(id: string, name: string, category: string, position: number): MenuProduct {
  return {
    id,
    name,
    description: "",
    price: { amount: 100, currency: "EUR" },
    available: 1,
    offMenu: false,
    category,
    tags: [],
    allergens: [],
    image: "",
    position,
  };
}

Deno.test("slug lowercases and turns everything but letters and digits into hyphens", () => {
  assert.equal(slug("Quattro Formaggi"), "quattro-formaggi");
  assert.equal(slug("Rucola e Parmigiano"), "rucola-e-parmigiano");
  assert.equal(slug("  Crème brûlée! "), "creme-brulee");
});

Deno.test("sections follow the catalog's positions; items within one by position then name; no category last", () => {
  const sections = menuSections([
    item("9", "Lemonade", "Drinks", 120),
    item("1", "Margherita", "Pizzas", 10),
    item("20", "Bread", "", 5),
    item("7", "Caesar Salad", "Salads", 80),
    item("2", "Marinara", "Pizzas", 20),
    item("11", "Caprese", "Salads", 70),
    item("12", "Rucola", "Salads", 80),
  ]);
  assert.deepEqual(
    sections.map((s) => [s.id, s.title, s.items.map((i) => i.name)]),
    [
      ["pizzas", "Pizzas", ["Margherita", "Marinara"]],
      ["salads", "Salads", ["Caprese", "Caesar Salad", "Rucola"]],
      ["drinks", "Drinks", ["Lemonade"]],
      ["more", OTHER_CATEGORY, ["Bread"]],
    ],
  );
});

Deno.test("section ids are unique and never take an id the page already uses", () => {
  const sections = menuSections([
    item("1", "A", "Cart", 1),
    item("2", "B", "Pizzas!", 2),
    item("3", "C", "pizzas", 3),
    item("4", "D", "!!!", 4),
  ]);
  assert.deepEqual(sections.map((s) => s.id), ["cart-2", "pizzas", "pizzas-2", "category"]);
});

Deno.test("tags become labelled badges, known ones first in a fixed order", () => {
  assert.deepEqual(tagBadges(["spicy", "vegetarian", "house_special", "gluten_free"]), [
    { tag: "vegetarian", label: "Vegetarian" },
    { tag: "gluten_free", label: "Gluten-free" },
    { tag: "spicy", label: "Spicy" },
    { tag: "house_special", label: "house special" },
  ]);
});

Deno.test("allergens read as one sentence, and nothing when there are none", () => {
  assert.equal(allergensText(["gluten", "milk"]), "Contains: gluten, milk");
  assert.equal(allergensText([]), "");
});

Deno.test("pictures: the demo drawings from static files, other site paths as they are, else a placeholder", () => {
  assert.equal(imageSrc("/menu/margherita.svg"), "/_static/menu/margherita.svg");
  assert.equal(imageSrc("/media/items/7/640.webp"), "/media/items/7/640.webp");
  assert.equal(imageSrc(""), PLACEHOLDER_IMAGE);
  assert.equal(imageSrc("https://example.com/x.png"), PLACEHOLDER_IMAGE);
  assert.equal(imageSrc("//example.com/x.png"), PLACEHOLDER_IMAGE);
});

Deno.test("the menu shows stock levels above a cart line's limit alike, and keys its page by what it shows", () => {
  assert.ok(FEW_LEFT < MAX_LINE_QUANTITY, "the words under the price are decided below the line limit");
  for (const [a, b] of [[500, 499], [100, 99], [1_000_000, MAX_LINE_QUANTITY]]) {
    assert.equal(shownAvailable(a!), shownAvailable(b!));
    assert.equal(stockText(a!), stockText(b!));
    assert.equal(stockKind(a!), stockKind(b!));
  }
  assert.equal(shownAvailable(98), 98);
  assert.equal(shownAvailable(0), 0);
  const menu = (
    available: number,
  ) => [item("1", "Margherita", "Pizzas", 10), { ...item("2", "Cola", "Drinks", 90), available }];
  assert.equal(menuSignature(menu(500)), menuSignature(menu(499)));
  assert.notEqual(menuSignature(menu(99)), menuSignature(menu(98)));
  assert.notEqual(menuSignature(menu(1)), menuSignature(menu(0)));
  assert.notEqual(
    menuSignature(menu(500)),
    menuSignature([item("1", "Margherita", "Pizzas", 10), {
      ...item("2", "Cola", "Drinks", 90),
      available: 500,
      name: "Coke",
    }]),
    "any other field counts",
  );
});
