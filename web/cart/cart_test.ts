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
  UUID_V7_NONCE,
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
  assert.match(a.nonce, UUID_V7_NONCE);
  assert.equal(checkoutKey(a), a.nonce, "a UUIDv7 key: orders makes a time-ordered order id of it");
  const b = addItem(a, "1", 5);
  assert.notEqual(checkoutKey(b), checkoutKey(a));
  assert.equal(setQuantity(b, "1", 2, 5), b, "same quantity: the same cart, the same key");
  assert.equal(checkoutKey(EMPTY_CART), "");
  assert.equal(checkoutKey(removeItem(b, "1")), "");
});

Deno.test("a cart from a cookie made before nonces were UUIDv7s keeps its key", () => {
  const old: StoredCart = { lines: [{ id: "1", quantity: 2 }], nonce: "AAAAAAAAAAAAAAAA" };
  assert.match(old.nonce, NONCE);
  assert.equal(checkoutKey(old), "cart-AAAAAAAAAAAAAAAA");
  assert.match(addItem(old, "2", 5).nonce, UUID_V7_NONCE, "its next change makes a UUIDv7");
});

Deno.test("nonces are a UUIDv7 or 16 base64url characters, nothing else", () => {
  for (const ok of ["01a23d22-2f54-732d-a81e-8fb80f1c4704", "abcdefghijklmnop"]) assert.match(ok, NONCE);
  for (
    const bad of [
      "3f2b8a1e-9c4d-4e5f-8a6b-7c8d9e0f1a2b", // a UUIDv4
      "01A23D22-2F54-732D-A81E-8FB80F1C4704", // upper case
      "01a23d22-2f54-732d-a81e-8fb80f1c4704abcdefghijklmnop",
      "abcdefghijklmnop01a23d22-2f54-732d-a81e-8fb80f1c4704",
      "abcdefghijklmno",
      "",
    ]
  ) assert.doesNotMatch(bad, NONCE);
});
