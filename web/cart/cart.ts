/**
 * The server-side cart: item ids and quantities, nothing else (names, prices and stock come from the
 * catalog when it is shown), at most {@linkcode MAX_CART_LINES} lines of at most
 * {@linkcode MAX_LINE_QUANTITY} units. Each change makes a new `nonce` (a UUIDv7), from which the
 * idempotency key of a checkout of this exact cart is made ({@linkcode checkoutKey}). Pure functions.
 *
 * @module
 */
import { randomUuidV7 } from "../../services/common/uuid_v7.ts";
import { ITEM_ID, MAX_CART_LINES, MAX_LINE_QUANTITY } from "../lib/cart.ts";

export { ITEM_ID, MAX_CART_LINES, MAX_LINE_QUANTITY };

/** One line: an item and how many. */
export interface StoredLine {
  /** Catalog item id. */
  id: string;
  /** Units, 1..{@linkcode MAX_LINE_QUANTITY}. */
  quantity: number;
}

/** The cart as the cookie holds it. */
export interface StoredCart {
  /** Lines in the order they were added. */
  lines: StoredLine[];
  /** Random, new on every change ("" for the empty cart). */
  nonce: string;
}

/** The empty cart. */
export const EMPTY_CART: StoredCart = { lines: [], nonce: "" };

/** A nonce made now: a UUIDv7 (the time of the change, then 73 random bits), in lower case. */
export const UUID_V7_NONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A nonce made before nonces were UUIDv7s (a cookie of up to a week ago): 16 base64url characters. */
const OLD_NONCE = /^[A-Za-z0-9_-]{16}$/;

/** Nonces a cart cookie may carry: a UUIDv7, or the older 16 base64url characters. */
export const NONCE = new RegExp(`${UUID_V7_NONCE.source}|${OLD_NONCE.source}`);

/** A new nonce: a UUIDv7. */
export function newNonce(): string {
  return randomUuidV7();
}

/**
 * The `Idempotency-Key` of a checkout of `cart` ("" for the empty cart): the nonce itself, a UUIDv7,
 * which orders turns into a time-ordered order id (`services/orders/order_ids.ts`: the order's records
 * then sit together on the last pages of every store); a cart from before is `cart-<nonce>`.
 */
export function checkoutKey(cart: StoredCart): string {
  if (cart.lines.length === 0) return "";
  return UUID_V7_NONCE.test(cart.nonce) ? cart.nonce : `cart-${cart.nonce}`;
}

function changed(cart: StoredCart, lines: StoredLine[]): StoredCart {
  if (lines.length === 0) return EMPTY_CART;
  const same = lines.length === cart.lines.length &&
    lines.every((l, i) => l.id === cart.lines[i]!.id && l.quantity === cart.lines[i]!.quantity);
  return same ? cart : { lines, nonce: newNonce() };
}

/**
 * Sets item `id` to `quantity` units, capped to `available` and {@linkcode MAX_LINE_QUANTITY}; 0 or
 * less (or nothing available) removes the line. A new item goes last; when the cart already has
 * {@linkcode MAX_CART_LINES} lines a new item is not added. Returns `cart` itself when nothing changed.
 */
export function setQuantity(cart: StoredCart, id: string, quantity: number, available: number): StoredCart {
  const want = Math.min(Number.isFinite(quantity) ? Math.floor(quantity) : 0, available, MAX_LINE_QUANTITY);
  const at = cart.lines.findIndex((l) => l.id === id);
  if (want < 1) return at === -1 ? cart : changed(cart, cart.lines.filter((l) => l.id !== id));
  if (at === -1) {
    if (cart.lines.length >= MAX_CART_LINES) return cart;
    return changed(cart, [...cart.lines, { id, quantity: want }]);
  }
  return changed(cart, cart.lines.map((l) => l.id === id ? { id, quantity: want } : l));
}

/** Adds `quantity` units of item `id` (never past `available`); see {@linkcode setQuantity}. */
export function addItem(cart: StoredCart, id: string, available: number, quantity = 1): StoredCart {
  const have = cart.lines.find((l) => l.id === id)?.quantity ?? 0;
  // never lower a line by adding, even when stock fell below what the cart holds
  if (have >= available) return cart;
  return setQuantity(cart, id, have + quantity, available);
}

/** Removes item `id`. */
export function removeItem(cart: StoredCart, id: string): StoredCart {
  return setQuantity(cart, id, 0, 0);
}
