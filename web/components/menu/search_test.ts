import assert from "node:assert/strict";
import { countText, matches, normalize, queryWords, searchText } from "./search.ts";

const caprese = searchText({
  name: "Insalata Caprese",
  description: "Tomato, buffalo mozzarella, basil",
  category: "Salads",
  tags: ["vegetarian", "gluten_free"],
});

Deno.test("normalize lowercases, strips accents and collapses punctuation to single spaces", () => {
  assert.equal(normalize("  Crème Brûlée, ½-price!  "), "creme brulee ½ price");
  assert.equal(normalize("gluten_free"), "gluten free");
});

Deno.test("a blank query has no words and matches everything", () => {
  assert.deepEqual(queryWords("  ,, "), []);
  assert.equal(matches(caprese, ""), true);
});

Deno.test("every word of the query must occur in the name, description, category or tags", () => {
  assert.equal(matches(caprese, "caprese"), true, "name");
  assert.equal(matches(caprese, "MOZZ"), true, "description, any case, a prefix");
  assert.equal(matches(caprese, "salad"), true, "category");
  assert.equal(matches(caprese, "veg"), true, "tag");
  assert.equal(matches(caprese, "gluten-free"), true, "tag written with a hyphen");
  assert.equal(matches(caprese, "tomato salad"), true, "two words, both found");
  assert.equal(matches(caprese, "tomato pizza"), false, "one word missing");
  assert.equal(matches(caprese, "caprése"), true, "accents ignored");
});

Deno.test("the live count says how many items match, and nothing without a query", () => {
  assert.equal(countText(14, ""), "");
  assert.equal(countText(0, "xyz"), "No items match “xyz”.");
  assert.equal(countText(1, "caprese "), "1 item matches “caprese”.");
  assert.equal(countText(3, "veg"), "3 items match “veg”.");
});
