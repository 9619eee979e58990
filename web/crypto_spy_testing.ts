/**
 * Test support: counts WebCrypto's HMAC work (`crypto.subtle.sign` and `verify` calls) made while a
 * function runs, to prove that a cache answered without it.
 *
 * @module
 */

/** Runs `fn`; resolves with how many times `crypto.subtle[method]` was called meanwhile. */
export async function countingSubtle(method: "sign" | "verify", fn: () => Promise<void>): Promise<number> {
  const subtle = crypto.subtle as unknown as Record<typeof method, (...args: unknown[]) => Promise<unknown>>;
  const original = subtle[method];
  let calls = 0;
  subtle[method] = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    subtle[method] = original;
  }
  return calls;
}
