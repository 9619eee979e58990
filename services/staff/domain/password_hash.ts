/**
 * The stored form of a password: an scrypt hash with everything needed to check it again (the salt
 * and the cost parameters), so the parameters can be raised later without locking anyone out: a hash
 * made with weaker ones still verifies and is replaced at the next successful login.
 *
 * @module
 */

/** scrypt's cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost (a power of two); memory used is 128 * n * r bytes. */
  n: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** A password hash as stored. */
export interface PasswordHash extends ScryptParams {
  /** The algorithm (only scrypt so far). */
  alg: "scrypt";
  /** The account's random salt (16 bytes, base64). */
  salt: string;
  /** The derived key (32 bytes, base64). */
  hash: string;
}

/** The parameters new hashes get: 32 MiB of memory per hash (about 0.2 s here). */
export const DEFAULT_SCRYPT: ScryptParams = { n: 2 ** 15, r: 8, p: 1 };

/** True when `stored` was made with cheaper parameters than `wanted` (rehash it at the next login). */
export function weakerThan(stored: ScryptParams, wanted: ScryptParams): boolean {
  return stored.n * stored.r * stored.p < wanted.n * wanted.r * wanted.p;
}
