/**
 * The admin password check: node:crypto's `timingSafeEqual` over SHA-256 digests, so neither the
 * length nor the first differing byte of the configured password shows in the response time.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * True when `a` and `b` hold the same bytes (node:crypto's `timingSafeEqual`: the same time for any
 * two inputs of one length; different lengths are unequal at once, a length is no secret).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `given` is the configured password `expected` (compared in constant time). */
export async function passwordMatches(given: string, expected: string): Promise<boolean> {
  if (expected === "") return false;
  const [x, y] = await Promise.all([digest(given), digest(expected)]);
  return constantTimeEqual(x, y);
}

/** True when two tokens (e.g. CSRF tokens) are equal, compared in constant time. */
export function tokensEqual(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(a), enc.encode(b));
}
