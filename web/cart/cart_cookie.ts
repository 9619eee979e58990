/**
 * The cart in a signed cookie, `oms_cart` (HttpOnly, SameSite=Lax, a week). Its value is
 * `<nonce>~<id>*<qty>~<id>*<qty>...` followed by `.` and the base64url HMAC-SHA256 of
 * `oms-cart\n<customer id>\n<payload>` under the customer cookie's secret, so a cart is only ever read
 * back by the browser (customer) it was made for and cannot be edited by hand.
 *
 * Reading is strict: a cookie that is too long, malformed, signed for another customer or with another
 * secret, or whose lines break the cart's bounds (more than {@linkcode MAX_CART_LINES} lines, a bad id,
 * a quantity outside 1..{@linkcode MAX_LINE_QUANTITY}, an item twice) is the empty cart.
 *
 * @module
 */
import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import { hmacSign, hmacVerify } from "../hmac_key.ts";
import {
  EMPTY_CART,
  ITEM_ID,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  NONCE,
  type StoredCart,
  type StoredLine,
} from "./cart.ts";

/** Name of the cookie. */
export const CART_COOKIE = "oms_cart";

/** How long a browser keeps its cart, in seconds (a week). */
export const CART_MAX_AGE = 7 * 24 * 3600;

/** Longest cookie value read (a full cart is well under it). */
export const MAX_COOKIE_CHARS = 2048;

const QUANTITY = /^[1-9][0-9]?$/;

/** The cookie's payload (before the signature) for `cart`. */
export function encodeCart(cart: StoredCart): string {
  return [cart.nonce, ...cart.lines.map((l) => `${l.id}*${l.quantity}`)].join("~");
}

/** The cart of a payload, or null when it breaks any rule (see the module doc). */
export function decodeCart(payload: string): StoredCart | null {
  const [nonce, ...parts] = payload.split("~");
  if (nonce === undefined || !NONCE.test(nonce)) return null;
  if (parts.length === 0 || parts.length > MAX_CART_LINES) return null;
  const lines: StoredLine[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const star = part.indexOf("*");
    const id = part.slice(0, star);
    const qty = part.slice(star + 1);
    if (star < 0 || !ITEM_ID.test(id) || !QUANTITY.test(qty) || seen.has(id)) return null;
    const quantity = Number(qty);
    if (quantity > MAX_LINE_QUANTITY) return null;
    seen.add(id);
    lines.push({ id, quantity });
  }
  return { lines, nonce };
}

function signed(customerId: string, payload: string): string {
  return `oms-cart\n${customerId}\n${payload}`;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The cookie value for `cart` (payload and signature). */
export async function cartCookieValue(cart: StoredCart, secret: string, customerId: string): Promise<string> {
  const payload = encodeCart(cart);
  return `${payload}.${base64url(await hmacSign(secret, signed(customerId, payload)))}`;
}

/** The cart of a cookie value made for `customerId` with `secret`; the empty cart for anything else. */
export async function parseCartCookie(
  value: string | undefined,
  secret: string,
  customerId: string,
): Promise<StoredCart> {
  if (!value || value.length > MAX_COOKIE_CHARS) return EMPTY_CART;
  const dot = value.lastIndexOf(".");
  if (dot < 0) return EMPTY_CART;
  const payload = value.slice(0, dot);
  const mac = fromBase64url(value.slice(dot + 1));
  const cart = decodeCart(payload);
  if (!cart || !mac) return EMPTY_CART;
  return await hmacVerify(secret, signed(customerId, payload), mac) ? cart : EMPTY_CART;
}

/** This request's cart (the empty cart without a valid cookie). */
export async function readCart(c: Context, secret: string, customerId: string): Promise<StoredCart> {
  return await parseCartCookie(getCookie(c, CART_COOKIE), secret, customerId);
}

/** The `Set-Cookie` value that stores `cart` (or removes the cookie for the empty cart). */
export async function cartCookie(
  cart: StoredCart,
  secret: string,
  customerId: string,
  secure: boolean,
): Promise<string> {
  const empty = cart.lines.length === 0;
  const value = empty ? "" : await cartCookieValue(cart, secret, customerId);
  return generateCookie(CART_COOKIE, value, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure,
    maxAge: empty ? 0 : CART_MAX_AGE,
  });
}
