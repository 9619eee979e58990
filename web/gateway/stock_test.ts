import assert from "node:assert/strict";
import { rejectsWith, startGatewaySystem, TEST_OPTS } from "./testing.ts";

Deno.test("stock facade: the catalog with its levels, and restocking as staff", TEST_OPTS, async () => {
  const sys = await startGatewaySystem();
  try {
    const items = await sys.customer.stock.list();
    assert.ok(items.length > 0, "the catalog is seeded");
    const first = items[0]!;
    assert.ok(first.name !== "" && (first.price?.amount ?? 0) > 0, "items carry name and price");
    assert.deepEqual(
      Object.fromEntries(items.map((i) => [i.id, i.available])),
      await sys.stockLevels(),
      "the facade lists what stock holds",
    );
    assert.deepEqual(items.map((i) => i.position), items.map((i) => i.position).sort((a, b) => a - b));
    assert.deepEqual(
      [first.category, first.tags, first.allergens, first.image],
      ["Pizzas", ["vegetarian"], ["gluten", "milk"], "/menu/margherita.svg"],
      "items carry their menu fields, in menu order",
    );

    const after = await sys.staff.stock.restock(first.id, 3);
    assert.equal(after?.available, first.available + 3);
    assert.equal(
      (await sys.customer.stock.list()).find((i) => i.id === first.id)?.available,
      first.available + 3,
    );

    const bad = await rejectsWith(sys.staff.stock.restock(first.id, 0), 422, "invalid_argument");
    assert.equal(bad.field, "quantity");
    await rejectsWith(sys.staff.stock.restock("nope", 1), 404, "not_found");
  } finally {
    await sys.stop();
  }
});
