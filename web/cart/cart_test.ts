import assert from "node:assert/strict";
import {
  addItem,
  checkoutKey,
  EMPTY_CART,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  NONCE,
  removeItem,
  setQuantity,
  type StoredCart,
} from "./cart.ts";

Deno.test("adding never goes past what is left or the line limit; a sold-out item is not added", () => {
  let cart = addItem(EMPTY_CART, "1", 2);
  assert.deepEqual(cart.lines, [{ id: "1", quantity: 1 }]);
  cart = addItem(cart, "1", 2);
  assert.deepEqual(cart.lines, [{ id: "1", quantity: 2 }]);
  assert.equal(addItem(cart, "1", 2), cart, "all that is left is in the cart: unchanged");
  assert.equal(addItem(cart, "3", 0), cart, "sold out: unchanged");
  assert.deepEqual(addItem(EMPTY_CART, "2", 500, 150).lines, [{ id: "2", quantity: MAX_LINE_QUANTITY }]);
  // stock fell below what the cart holds: adding does not lower the line
  const held: StoredCart = { lines: [{ id: "1", quantity: 5 }], nonce: "AAAAAAAAAAAAAAAA" };
  assert.equal(addItem(held, "1", 3), held);
});

Deno.test("quantities are set within what is left; 0 removes the line; new items go last", () => {
  let cart = addItem(addItem(EMPTY_CART, "1", 9), "9", 9);
  cart = setQuantity(cart, "1", 4, 9);
  assert.deepEqual(cart.lines, [{ id: "1", quantity: 4 }, { id: "9", quantity: 1 }]);
  assert.deepEqual(setQuantity(cart, "1", 40, 6).lines[0], { id: "1", quantity: 6 });
  assert.deepEqual(setQuantity(cart, "1", 2.7, 9).lines[0], { id: "1", quantity: 2 });
  assert.deepEqual(setQuantity(cart, "1", 0, 9).lines, [{ id: "9", quantity: 1 }]);
  assert.deepEqual(setQuantity(cart, "1", Number.NaN, 9).lines, [{ id: "9", quantity: 1 }]);
  assert.deepEqual(removeItem(removeItem(cart, "1"), "9"), EMPTY_CART);
  assert.equal(removeItem(cart, "nope"), cart);
});

Deno.test("a full cart takes no new item but still changes its lines", () => {
  let cart = EMPTY_CART;
  for (let i = 0; i < MAX_CART_LINES; i++) cart = addItem(cart, `i${i}`, 5);
  assert.equal(cart.lines.length, MAX_CART_LINES);
  assert.equal(addItem(cart, "one-more", 5), cart);
  assert.equal(setQuantity(cart, "i0", 3, 5).lines[0]?.quantity, 3);
});

Deno.test("every change makes a new checkout key; no change keeps it; the empty cart has none", () => {
  const a = addItem(EMPTY_CART, "1", 5);
  assert.match(a.nonce, NONCE);
  assert.equal(checkoutKey(a), `cart-${a.nonce}`);
  const b = addItem(a, "1", 5);
  assert.notEqual(checkoutKey(b), checkoutKey(a));
  assert.equal(setQuantity(b, "1", 2, 5), b, "same quantity: the same cart, the same key");
  assert.equal(checkoutKey(EMPTY_CART), "");
  assert.equal(checkoutKey(removeItem(b, "1")), "");
});
