import assert from "node:assert/strict";
import { CartStore, cartTotal, type CartView, itemCount, lineTotal, quantityOf } from "./cart.ts";

const EUR = (amount: number) => ({ amount, currency: "EUR" });

const cart: CartView = {
  lines: [
    { id: "1", name: "Margherita", unitPrice: EUR(850), quantity: 2, available: 10 },
    { id: "9", name: "Lemonade", unitPrice: EUR(350), quantity: 1, available: 3 },
  ],
  key: "cart-abc",
};

Deno.test("a cart view counts units, totals its lines and says how many of an item it holds", () => {
  assert.equal(itemCount(cart), 3);
  assert.deepEqual(lineTotal(cart.lines[0]!), EUR(1700));
  assert.deepEqual(cartTotal(cart), EUR(2050));
  assert.deepEqual(cartTotal({ lines: [], key: "" }, "EUR"), EUR(0));
  assert.equal(quantityOf(cart, "1"), 2);
  assert.equal(quantityOf(cart, "2"), 0);
});

Deno.test("the islands' store is seeded once by the server's view, then follows every answer", () => {
  const store = new CartStore();
  const seen: CartView[] = [];
  const stop = store.subscribe((c) => seen.push(c));
  assert.equal(store.get(), null);
  store.seed(cart);
  assert.equal(store.get(), cart);
  const newer: CartView = { lines: [], key: "" };
  store.set(newer);
  store.seed(cart); // a later island's server-rendered view does not undo a newer answer
  assert.equal(store.get(), newer);
  stop();
  store.set(cart);
  assert.deepEqual(seen, [cart, newer]);
});
