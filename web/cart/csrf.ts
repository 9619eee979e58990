/**
 * The customer's form token: every storefront form that changes something (the cart, checkout,
 * cancelling an order, the local pay page) carries it in `_csrf`. Customers have no session, so the
 * token is the base64url HMAC-SHA256 of `oms-form\n<customer id>` under the customer cookie's secret:
 * only pages served to that browser (whose HttpOnly cookie holds the id) contain it, another site
 * cannot read it, and it needs no storage. It is checked in constant time by WebCrypto.
 *
 * Every storefront page carries the token, so the last {@linkcode CSRF_TOKENS_KEPT} customers' tokens
 * made are kept (per secret): the same customer id always has the same token.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { BoundedCache } from "../bounded_cache.ts";
import { hmacVerify } from "../hmac_key.ts";

/** Name of the form field (the same as the admin's). */
export const CSRF_FIELD = "_csrf";

function message(customerId: string): string {
  return `oms-form\n${customerId}`;
}

/** How many customers' form tokens are kept per secret. */
export const CSRF_TOKENS_KEPT = 4096;

const made = new Map<string, BoundedCache<string, string>>();

function base64url(mac: Uint8Array): string {
  return btoa(String.fromCharCode(...mac)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * {@linkcode customerCsrfToken} made synchronously (node:crypto's HMAC-SHA256 under the same key bytes,
 * the UTF-8 of `secret`: the same token), for a page that only learns while rendering that it needs it.
 */
export function customerCsrfTokenNow(secret: string, customerId: string): string {
  let tokens = made.get(secret);
  if (!tokens) {
    tokens = new BoundedCache(CSRF_TOKENS_KEPT);
    made.set(secret, tokens);
  }
  const known = tokens.get(customerId);
  if (known !== undefined) return known;
  const token = base64url(createHmac("sha256", secret).update(message(customerId)).digest());
  tokens.set(customerId, token);
  return token;
}

/** The form token of `customerId` (the same as {@linkcode customerCsrfTokenNow}). */
export function customerCsrfToken(secret: string, customerId: string): Promise<string> {
  return Promise.resolve(customerCsrfTokenNow(secret, customerId));
}

/** True when `token` is the form token of `customerId`. */
export async function isCustomerCsrfToken(
  secret: string,
  customerId: string,
  token: string | null | undefined,
): Promise<boolean> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = Uint8Array.from(atob(token.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
  } catch {
    return false;
  }
  return await hmacVerify(secret, message(customerId), mac);
}
