/**
 * Customer bearer tokens: how API clients prove which customer they are (the browser proves it with
 * the signed cookie of `customer.ts`). A token is a JWT (HS256, via `hono/jwt`) with the customer id
 * in `sub`, audience `oms-customer`, issued-at and an expiry a year later (the cookie's lifetime).
 *
 * The signing key is derived from the cookie secret (HMAC-SHA256 of a fixed label), so tokens survive
 * restarts whenever `WEB_COOKIE_SECRET` is set, and a cookie signature is never a valid token.
 * Hono's `sign`/`verify` get that key as a `CryptoKey` imported once per process (`hmac_key.ts`), the
 * same key they would import from its hex string on every call.
 *
 * Verifying costs a WebCrypto HMAC per request, and an API client sends the same token with each one,
 * so a token that verified is remembered (per secret, by its exact text, the last
 * {@linkcode VERIFIED_TOKENS_KEPT} used) until its `exp`: the same text verifies again with the same
 * outcome until then (a signature has no other state; `nbf` and `iat` were in the past when it
 * verified and stay there). Only successes are kept: a token that differs in any character, one that
 * failed, and one past its `exp` go through the full verification (and are refused as before).
 *
 * @module
 */
import { sign, verify } from "hono/jwt";
import { BoundedCache } from "./bounded_cache.ts";
import { hmacKey } from "./hmac_key.ts";

/** The `aud` claim of customer tokens. */
export const TOKEN_AUDIENCE = "oms-customer";

/** How long a token is valid, in seconds (a year, like the cookie). */
export const TOKEN_TTL_SECONDS = 365 * 24 * 3600;

const LABEL = "oms customer token v1";
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const keys = new Map<string, Promise<string>>();

/** How many verified tokens are remembered per secret (least recently used forgotten first). */
export const VERIFIED_TOKENS_KEPT = 4096;

const verified = new Map<string, BoundedCache<string, string>>();

function verifiedTokens(secret: string): BoundedCache<string, string> {
  let cache = verified.get(secret);
  if (!cache) {
    cache = new BoundedCache(VERIFIED_TOKENS_KEPT);
    verified.set(secret, cache);
  }
  return cache;
}

/** The token signing key derived from `secret` (memoized per secret). */
export function tokenKey(secret: string): Promise<string> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const enc = new TextEncoder();
      const hmac = await crypto.subtle.importKey(
        "raw",
        enc.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const bytes = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, enc.encode(LABEL)));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    })();
    keys.set(secret, key);
  }
  return key;
}

/** {@linkcode tokenKey} as the HMAC key Hono would import from it (imported once). */
async function signingKey(secret: string): Promise<CryptoKey> {
  return await hmacKey(await tokenKey(secret));
}

/** A token proving `customerId`, signed with a key derived from `secret`. */
export async function issueToken(customerId: string, secret: string, now = new Date()): Promise<string> {
  if (!CUSTOMER_ID.test(customerId)) {
    throw new Error(`Customer id ${JSON.stringify(customerId)} must be 1 to 64 of A-Z a-z 0-9 _ -`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  return await sign(
    { sub: customerId, aud: TOKEN_AUDIENCE, iat, exp: iat + TOKEN_TTL_SECONDS },
    await signingKey(secret),
    "HS256",
  );
}

/** The customer id a valid, unexpired token proves, or null for anything else. */
export async function verifyToken(token: string, secret: string): Promise<string | null> {
  const cache = verifiedTokens(secret);
  const known = cache.get(token);
  if (known !== undefined) return known;
  try {
    const payload = await verify(token, await signingKey(secret), { alg: "HS256", aud: TOKEN_AUDIENCE });
    if (typeof payload.sub !== "string" || !CUSTOMER_ID.test(payload.sub)) return null;
    // Hono refuses a token once floor(now / 1000) >= exp, that is from Date.now() = exp * 1000 on
    cache.set(token, payload.sub, typeof payload.exp === "number" ? payload.exp * 1000 : Infinity);
    return payload.sub;
  } catch {
    return null;
  }
}
