import assert from "node:assert/strict";
import { MENU, menuImage, menuSlug } from "./menu.ts";

const TAGS = new Set(["vegetarian", "vegan", "spicy", "gluten_free"]);
const ALLERGENS = new Set([
  "gluten",
  "milk",
  "eggs",
  "nuts",
  "peanuts",
  "soy",
  "fish",
  "crustaceans",
  "molluscs",
  "celery",
  "mustard",
  "sesame",
  "sulphites",
  "lupin",
]);

Deno.test("the demo menu is the issue 9 table: sections in order, positions 10, 20, ...", () => {
  assert.deepEqual(MENU.map((m) => [m.id, m.name, m.category]), [
    ["1", "Margherita", "Pizzas"],
    ["2", "Marinara", "Pizzas"],
    ["3", "Diavola", "Pizzas"],
    ["4", "Quattro Formaggi", "Pizzas"],
    ["5", "Capricciosa", "Pizzas"],
    ["6", "Funghi", "Pizzas"],
    ["11", "Insalata Caprese", "Salads"],
    ["7", "Caesar Salad", "Salads"],
    ["12", "Rucola e Parmigiano", "Salads"],
    ["8", "Tiramisu", "Desserts"],
    ["13", "Panna Cotta", "Desserts"],
    ["9", "Lemonade", "Drinks"],
    ["10", "Espresso", "Drinks"],
    ["14", "Sparkling Water", "Drinks"],
  ]);
  assert.deepEqual(MENU.map((m) => m.position), MENU.map((_, i) => (i + 1) * 10));
});

Deno.test("ids 1-10 keep their prices; the new items have theirs and their opening stock", () => {
  const price = Object.fromEntries(MENU.map((m) => [m.id, [m.price, m.quantity]]));
  assert.deepEqual(
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].map((id) => price[id]![0]),
    [850, 700, 1050, 1150, 1200, 950, 800, 600, 350, 250],
  );
  assert.deepEqual([price["11"], price["12"], price["13"], price["14"]], [[950, 20], [900, 20], [600, 20], [
    300,
    40,
  ]]);
});

Deno.test("tags and allergens use the known names; a few spot checks from the table", () => {
  for (const m of MENU) {
    for (const t of m.tags) assert.ok(TAGS.has(t), `${m.name}: tag ${t}`);
    for (const a of m.allergens) assert.ok(ALLERGENS.has(a), `${m.name}: allergen ${a}`);
    assert.ok(m.description.length > 0 && !m.description.includes("\n"));
  }
  const byName = Object.fromEntries(MENU.map((m) => [m.name, m]));
  assert.deepEqual(byName["Caesar Salad"]!.allergens, ["gluten", "eggs", "fish", "milk"]);
  assert.deepEqual(byName["Diavola"]!.tags, ["spicy"]);
  assert.deepEqual(byName["Capricciosa"]!.tags, []);
  assert.deepEqual(byName["Panna Cotta"]!.tags, ["vegetarian", "gluten_free"]);
  assert.deepEqual(byName["Espresso"]!.allergens, []);
});

Deno.test("images are /menu/<slug>.svg with the slug lowercased and runs of other characters as -", () => {
  assert.equal(menuSlug("Quattro Formaggi"), "quattro-formaggi");
  assert.equal(menuSlug("Rucola e Parmigiano"), "rucola-e-parmigiano");
  assert.equal(menuImage("Margherita"), "/menu/margherita.svg");
  assert.equal(menuImage("Sparkling Water"), "/menu/sparkling-water.svg");
});

Deno.test("every demo dish has its kitchen station: pizzas oven, salads and desserts cold, drinks bar", () => {
  const expected: Record<string, string> = {
    Pizzas: "oven",
    Salads: "cold",
    Desserts: "cold",
    Drinks: "bar",
  };
  for (const m of MENU) assert.equal(m.station, expected[m.category], `${m.name} (${m.category})`);
});
