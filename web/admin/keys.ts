/**
 * Keys of the admin's signed cookies (device cookies, flash messages), derived from one configured
 * secret with HKDF-SHA256 and a label per use, so every web replica with the same secret signs and
 * verifies the same cookies, and no key is the secret itself.
 *
 * @module
 */
import { hkdfSync } from "node:crypto";

/** The 32-byte key for `label` derived from `secret`. */
export function deriveKey(secret: string, label: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", secret, "", label, 32));
}
