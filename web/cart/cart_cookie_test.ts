import assert from "node:assert/strict";
import { addItem, EMPTY_CART, MAX_CART_LINES, type StoredCart } from "./cart.ts";
import {
  CART_COOKIE,
  cartCookie,
  cartCookieValue,
  decodeCart,
  encodeCart,
  parseCartCookie,
} from "./cart_cookie.ts";

const SECRET = "test-cookie-secret-0123456789abcdefghij";
const ME = "c-AAAAAAAAAAAAAAAAAAAAAA";
const NONCE = "abcdefghijklmnop";

function cart(...lines: [string, number][]): StoredCart {
  return { lines: lines.map(([id, quantity]) => ({ id, quantity })), nonce: NONCE };
}

Deno.test("a cart survives the round trip through its signed cookie", async () => {
  const c = addItem(addItem(addItem(EMPTY_CART, "1", 9), "1", 9), "sparkling_water-14", 9);
  const value = await cartCookieValue(c, SECRET, ME);
  assert.deepEqual(await parseCartCookie(value, SECRET, ME), c);
  assert.equal(encodeCart(c), `${c.nonce}~1*2~sparkling_water-14*1`);
});

Deno.test("a cart cookie for another customer, with another secret or edited by hand is the empty cart", async () => {
  const value = await cartCookieValue(cart(["1", 2]), SECRET, ME);
  assert.deepEqual(await parseCartCookie(value, SECRET, "c-BBBBBBBBBBBBBBBBBBBBBB"), EMPTY_CART);
  assert.deepEqual(await parseCartCookie(value, `${SECRET}x`, ME), EMPTY_CART);
  const edited = value.replace("1*2", "1*9");
  assert.notEqual(edited, value);
  assert.deepEqual(await parseCartCookie(edited, SECRET, ME), EMPTY_CART);
  for (const junk of [undefined, "", ".", "abc", `${encodeCart(cart(["1", 2]))}.`, "x".repeat(5000)]) {
    assert.deepEqual(await parseCartCookie(junk, SECRET, ME), EMPTY_CART, String(junk).slice(0, 20));
  }
});

Deno.test("reading a cart enforces its bounds: line count, ids, quantities, duplicates, nonce", () => {
  assert.deepEqual(decodeCart(`${NONCE}~1*2~9*99`), cart(["1", 2], ["9", 99]));
  const v7 = "01a23d22-2f54-732d-a81e-8fb80f1c4704";
  assert.deepEqual(
    decodeCart(`${v7}~1*2`),
    { lines: [{ id: "1", quantity: 2 }], nonce: v7 },
    "a UUIDv7 nonce",
  );
  const tooMany = Array.from({ length: MAX_CART_LINES + 1 }, (_, i) => `i${i}*1`).join("~");
  for (
    const bad of [
      `${NONCE}`, // no lines
      `${NONCE}~${tooMany}`,
      `${NONCE}~1*0`,
      `${NONCE}~1*100`,
      `${NONCE}~1*01`,
      `${NONCE}~1*-1`,
      `${NONCE}~1*1.5`,
      `${NONCE}~1`,
      `${NONCE}~*1`,
      `${NONCE}~a b*1`,
      `${NONCE}~${"x".repeat(65)}*1`,
      `${NONCE}~1*1~1*2`,
      `short~1*1`,
      `~1*1`,
    ]
  ) {
    assert.equal(decodeCart(bad), null, bad.slice(0, 60));
  }
});

Deno.test("the cart cookie is HttpOnly, SameSite=Lax and for the whole site; the empty cart removes it", async () => {
  const set = await cartCookie(cart(["1", 2]), SECRET, ME, false);
  assert.match(set, new RegExp(`^${CART_COOKIE}=[^;]+; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax$`));
  assert.match(await cartCookie(cart(["1", 2]), SECRET, ME, true), /; Secure/);
  assert.match(
    await cartCookie(EMPTY_CART, SECRET, ME, false),
    new RegExp(`^${CART_COOKIE}=; Max-Age=0; Path=/`),
  );
  // the value is what parseCartCookie reads back (after the browser's decoding)
  const value = decodeURIComponent(/^oms_cart=([^;]+)/.exec(set)![1]!);
  assert.deepEqual(await parseCartCookie(value, SECRET, ME), cart(["1", 2]));
});
