/**
 * Constant-time comparisons for the admin (CSRF tokens). Passwords themselves are checked by the staff
 * store with scrypt (`services/staff/password.ts`).
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";

/**
 * True when `a` and `b` hold the same bytes (node:crypto's `timingSafeEqual`: the same time for any
 * two inputs of one length; different lengths are unequal at once, a length is no secret).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when two tokens (e.g. CSRF tokens) are equal, compared in constant time. */
export function tokensEqual(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(a), enc.encode(b));
}
