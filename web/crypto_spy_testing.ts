/**
 * Test support: counts WebCrypto's HMAC work (`crypto.subtle.sign` and `verify` calls) made while a
 * function runs, to prove that a cache answered without it.
 *
 * @module
 */

/** Runs `fn`; resolves with how many times `crypto.subtle[method]` was called meanwhile. */
export async function countingSubtle(method: "sign" | "verify", fn: () => Promise<void>): Promise<number> {
  const subtle = crypto.subtle;
  const original = subtle[method];
  let calls = 0;
  // deno-lint-ignore no-explicit-any
  (subtle as any)[method] = function (this: SubtleCrypto, ...args: unknown[]) {
    calls++;
    // deno-lint-ignore no-explicit-any
    return (original as any).apply(this, args);
  };
  try {
    await fn();
  } finally {
    subtle[method] = original as never;
  }
  return calls;
}
