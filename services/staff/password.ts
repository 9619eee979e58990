/**
 * Hashing and checking passwords with `node:crypto`'s scrypt (memory-hard; run off the main thread by
 * the runtime, so a login never blocks other calls): a random 16-byte salt per hash, the parameters
 * stored with it, and a constant-time comparison of the derived keys.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { DEFAULT_SCRYPT, type PasswordHash, type ScryptParams } from "./domain/password_hash.ts";

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const { n, r, p } = params;
  return new Promise((resolve, reject) =>
    scrypt(
      password,
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 },
      (err, key) => err ? reject(err) : resolve(key),
    )
  );
}

/** A new hash of `password` with a fresh random salt and `params`. */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return { alg: "scrypt", ...params, salt: salt.toString("base64"), hash: key.toString("base64") };
}

/** True when `password` is the one `stored` was made from (compared in constant time). */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.alg !== "scrypt") return false;
  const expected = Buffer.from(stored.hash, "base64");
  const key = await derive(password, Buffer.from(stored.salt, "base64"), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const dummies = new Map<string, Promise<PasswordHash>>();

/**
 * Spends what checking a password costs without an account to check it against, so an unknown name
 * answers as slowly as a wrong password (names cannot be told apart by timing).
 */
export async function verifyNothing(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<false> {
  const id = `${params.n}/${params.r}/${params.p}`;
  let dummy = dummies.get(id);
  if (!dummy) dummies.set(id, dummy = hashPassword("no account has this password", params));
  await verifyPassword(password, await dummy);
  return false;
}
