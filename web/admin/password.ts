/**
 * The admin password check: constant-time over SHA-256 digests, so neither the length nor the first
 * differing byte of the configured password shows in the response time.
 *
 * @module
 */

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** True when `a` and `b` hold the same bytes; takes the same time for any two inputs of one length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
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
  const x = enc.encode(a);
  const y = enc.encode(b);
  // Compare equal-length buffers so the loop always runs over the expected token's length.
  if (x.length !== y.length) {
    constantTimeEqual(y, y);
    return false;
  }
  return constantTimeEqual(x, y);
}
