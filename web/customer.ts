/**
 * The storefront's customer id: a random id kept in a signed (HMAC-SHA256), HttpOnly cookie, made on
 * the first visit. The id is the same kind of value the API takes in its paths (`c-` and 22 base64url
 * characters); the cookie is also proof of that customer to the JSON API (see `customer_auth.ts`), so
 * the storefront's islands call `/api/customers/{id}/...` with it. The pages only ever use the id of
 * the cookie, never one from a URL.
 *
 * The signing secret is `WEB_COOKIE_SECRET` (at least 32 characters). Without it a random secret is
 * made per process start: fine in dev, but every restart then gives browsers new customer ids (their
 * earlier orders no longer show under "My orders").
 *
 * The cookie's value is Hono's signed-cookie format (`<id>.<standard base64 of the HMAC-SHA256 of
 * the id>`, URI-encoded), signed and verified here with a key imported once per process
 * (`hmac_key.ts`) instead of Hono's helpers, which import it on every call. A cookie value that
 * verified is remembered (per secret, by its exact text, the last {@linkcode VERIFIED_COOKIES_KEPT}
 * used): the same text proves the same id again (a signature has no expiry), so a returning browser
 * costs no HMAC per request; any other text, a changed character included, is verified in full.
 *
 * @module
 */
import type { ShopConfig } from "./shop.ts";
import type { StoredCart } from "./cart/cart.ts";
import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import { ConfigError } from "../services/common/config.ts";
import { BoundedCache } from "./bounded_cache.ts";
import { hmacSign, hmacVerify } from "./hmac_key.ts";

/** Name of the cookie. */
export const CUSTOMER_COOKIE = "oms_customer";

const CUSTOMER_ID = /^c-[A-Za-z0-9_-]{22}$/;

/** A new random customer id. */
export function newCustomerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const b64 = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `c-${b64}`;
}

/** The cookie secret from `env`, or a random one (`random: true`) when unset. */
export function cookieSecret(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): { secret: string; random: boolean } {
  const value = env.WEB_COOKIE_SECRET;
  if (value === undefined || value === "") {
    return { secret: newCustomerId() + newCustomerId(), random: true };
  }
  if (value.length < 32) {
    throw new ConfigError(
      "WEB_COOKIE_SECRET",
      `WEB_COOKIE_SECRET must be at least 32 characters, got ${value.length}`,
    );
  }
  return { secret: value, random: false };
}

/** How many verified cookie values are remembered per secret (least recently used forgotten first). */
export const VERIFIED_COOKIES_KEPT = 4096;

const verifiedCookies = new Map<string, BoundedCache<string, string>>();

/** The customer id of a valid signed cookie, or null. */
export async function readCustomerId(c: Context, secret: string): Promise<string | null> {
  const value = getCookie(c, CUSTOMER_COOKIE);
  if (value === undefined) return null;
  return await customerIdOfCookie(value, secret);
}

/** The customer id that the cookie value `value` proves under `secret`, or null. */
export async function customerIdOfCookie(value: string, secret: string): Promise<string | null> {
  let verified = verifiedCookies.get(secret);
  if (!verified) {
    verified = new BoundedCache(VERIFIED_COOKIES_KEPT);
    verifiedCookies.set(secret, verified);
  }
  const known = verified.get(value);
  if (known !== undefined) return known;
  const dot = value.lastIndexOf(".");
  const id = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (dot < 0 || !CUSTOMER_ID.test(id) || signature.length !== 44 || !signature.endsWith("=")) return null;
  const mac = fromBase64(signature);
  if (mac === null || !await hmacVerify(secret, id, mac)) return null;
  verified.set(value, id);
  return id;
}

/** The `Set-Cookie` value that gives the browser `customerId` for a year. */
export async function customerCookie(customerId: string, secret: string, secure: boolean): Promise<string> {
  const signature = btoa(String.fromCharCode(...await hmacSign(secret, customerId)));
  return generateCookie(CUSTOMER_COOKIE, `${customerId}.${signature}`, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure,
    maxAge: 365 * 24 * 3600,
  });
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Request state of storefront pages (set by `routes/_middleware.ts`). */
export interface ShopState extends Record<string, unknown> {
  /** This browser's customer id. */
  customerId: string;
  /** Document title of the page, if it sets one. */
  title?: string;
  /** The shop's name, address, hours, time zone and locale (set by `routes/_middleware.ts`). */
  shop?: ShopConfig;
  /** The customer's form token, for every storefront form that changes something (`cart/csrf.ts`). */
  csrf?: string;
  /** The customer's cart: item ids and quantities from the signed cart cookie (`cart/cart_cookie.ts`). */
  cart?: StoredCart;
}
