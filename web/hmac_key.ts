/**
 * HMAC-SHA256 keys imported into WebCrypto once per process and secret. Hono's cookie and JWT
 * helpers import the key from the secret string on every call (about as costly as the HMAC itself);
 * the customer cookie and token use these keys instead, signing and verifying exactly what Hono's
 * helpers sign and verify with the same secret (same bytes, same algorithm), so nothing issued
 * before changes.
 *
 * @module
 */

const ALGORITHM = { name: "HMAC", hash: "SHA-256" } as const;
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The HMAC-SHA256 key (for signing and verifying) whose raw bytes are the UTF-8 of `secret`, as Hono
 * imports a string secret; imported on the first call for `secret` and shared after that. A failed
 * import is not kept.
 */
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), ALGORITHM, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
    key.catch(() => keys.delete(secret));
  }
  return key;
}

/** The HMAC-SHA256 of `data` under `secret`'s key. */
export async function hmacSign(secret: string, data: string): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(data)),
  );
}

/** Whether `mac` is the HMAC-SHA256 of `data` under `secret`'s key (compared by WebCrypto, in constant time). */
export async function hmacVerify(
  secret: string,
  data: string,
  mac: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  return await crypto.subtle.verify("HMAC", await hmacKey(secret), mac, new TextEncoder().encode(data));
}
