import assert from "node:assert/strict";
import {
  addItem,
  applyShortages,
  availableOf,
  type CartItem,
  CartStore,
  EMPTY_CART,
  itemCount,
  parseCart,
  removeItem,
  setQuantity,
  STORAGE_KEY,
  withCheckoutKey,
} from "./cart.ts";

const pizza: CartItem = {
  id: "1",
  name: "Margherita",
  price: { amount: 850, currency: "EUR" },
  available: 3,
};
const cola: CartItem = { id: "2", name: "Cola", price: { amount: 300, currency: "EUR" }, available: 10 };

Deno.test("adding never goes past what is available, and a sold-out item is not added", () => {
  let cart = addItem(EMPTY_CART, pizza);
  cart = addItem(cart, pizza, 5);
  assert.equal(cart.lines[0]!.quantity, 3);
  assert.deepEqual(addItem(EMPTY_CART, { ...pizza, available: 0 }), EMPTY_CART);
});

Deno.test("quantities change within 1..available; 0 removes the line; remove removes it", () => {
  let cart = addItem(addItem(EMPTY_CART, pizza), cola);
  cart = setQuantity(cart, "2", 4);
  assert.equal(itemCount(cart), 5);
  assert.equal(setQuantity(cart, "1", 99).lines[0]!.quantity, 3);
  assert.deepEqual(setQuantity(cart, "1", 0).lines.map((l) => l.id), ["2"]);
  assert.deepEqual(removeItem(cart, "2").lines.map((l) => l.id), ["1"]);
});

Deno.test("the checkout key is made once, reused on retry, and dropped when the cart changes", () => {
  let n = 0;
  const make = () => `key-${++n}`;
  const cart = addItem(EMPTY_CART, pizza);
  const first = withCheckoutKey(cart, make);
  const retry = withCheckoutKey(first, make);
  assert.equal(first.checkoutKey, "key-1");
  assert.equal(retry.checkoutKey, "key-1");
  assert.equal(addItem(retry, cola).checkoutKey, null);
  assert.equal(setQuantity(retry, "1", 2).checkoutKey, null);
  assert.equal(applyShortages(retry, [{ id: "1", available: 1 }]).checkoutKey, null);
});

Deno.test("the store persists to storage, survives a new store (a reload) and tells subscribers", () => {
  const storage = new Map<string, string>();
  const fake = {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
  } as Storage;
  const store = new CartStore(fake);
  const seen: number[] = [];
  store.subscribe((c) => seen.push(itemCount(c)));
  store.update((c) => addItem(c, pizza, 2));
  assert.deepEqual(seen, [2]);
  assert.ok(storage.has(STORAGE_KEY));
  const reloaded = new CartStore(fake);
  assert.equal(itemCount(reloaded.get()), 2);
});

Deno.test("a malformed stored cart becomes the empty cart; bad lines are dropped", () => {
  assert.deepEqual(parseCart("{not json"), EMPTY_CART);
  assert.deepEqual(parseCart(null), EMPTY_CART);
  const text = JSON.stringify({
    lines: [
      { id: "1", name: "ok", unitPrice: { amount: 1, currency: "EUR" }, quantity: 1, available: 2 },
      { id: "2", name: "bad", unitPrice: { amount: "x" }, quantity: 1, available: 2 },
      { id: "3", name: "zero", unitPrice: { amount: 1, currency: "EUR" }, quantity: 0, available: 2 },
    ],
    checkoutKey: 5,
  });
  const cart = parseCart(text);
  assert.deepEqual(cart.lines.map((l) => l.id), ["1"]);
  assert.equal(cart.checkoutKey, null);
});

Deno.test("an item a failed checkout found sold out stays unavailable after its line is removed", () => {
  const item = { id: "9", name: "Quattro Formaggi", price: { amount: 1000, currency: "EUR" }, available: 1 };
  const inCart = addItem(EMPTY_CART, item);
  const afterRace = setQuantity(applyShortages(inCart, [{ id: "9", available: 0 }]), "9", 0);
  assert.equal(afterRace.lines.length, 0);
  assert.equal(availableOf(afterRace, item), 0);
  assert.equal(availableOf(parseCart(JSON.stringify(afterRace)), item), 0, "kept across a reload");
});
