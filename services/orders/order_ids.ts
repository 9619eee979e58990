/**
 * The order id of a CreateOrder sent with an idempotency key: derived from the customer and the key,
 * so every attempt with that key (a retry, a concurrent duplicate, another orders process sharing the
 * store, a retry after orders died mid-create) works on the same order id without claiming the key in
 * a commit of its own first. Stock and payments are idempotent per order id, and the order's creation
 * commit checks the id is free, so the attempts converge on one reservation, one checkout and one
 * order.
 *
 * The id is an HMAC-SHA-256 of the customer id and the key under a secret kept in orders' store
 * (created once, by whichever process needs it first), shaped as an RFC 9562 UUIDv8. Orders' ids stay
 * unguessable: knowing a customer's id and key does not give the order id without the store's secret.
 *
 * Time-ordered when the key is: a key that is a UUIDv7 (what the storefront and the load generator
 * send) lends the id its first 48 bits, the key's millisecond timestamp, and the HMAC fills the other
 * 74. An order without a key gets a UUIDv7 ({@linkcode newOrderId}). Why: every store keys an order's
 * records by its id (`["orders", id]`, stock's `["reservations", id]`, payments' `["payments", id]`,
 * kitchen's `["tickets", id]`, ...), and SQLite writes each B-tree page a commit changes whole, so ids
 * that start with the time keep the orders being worked on together on the last pages instead of one
 * page each anywhere in the table. `deno task bench`, seven pairs alternating (README, Benchmark): Deno
 * KV's SQLite threads 3.48 -> 3.14 CPU-ms per order on average (lower in 5 of 7), the whole order about
 * 2% less, within the noise. The time says only when the cart was made; 74 bits of HMAC keep the id
 * unguessable.
 *
 * | key | value |
 * | --- | --- |
 * | `["order_id_secret"]` | 32 random bytes (`Uint8Array`) |
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { parse as parseUuid, validate as isUuid, version as uuidVersion } from "uuid";
import { randomUuidV7 } from "../common/uuid_v7.ts";

/** Where the secret is kept. */
export const ORDER_ID_SECRET_KEY: Deno.KvKey = ["order_id_secret"];
const SECRET_BYTES = 32;

/** Reads the store's secret, creating it when there is none yet (two racing creators agree on one). */
async function loadSecret(kv: Deno.Kv): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const seen = await kv.get<Uint8Array>(ORDER_ID_SECRET_KEY);
    if (seen.value instanceof Uint8Array && seen.value.byteLength === SECRET_BYTES) return seen.value;
    if (seen.value !== null) {
      throw new Error(`${JSON.stringify(ORDER_ID_SECRET_KEY)} in orders' store is not ${SECRET_BYTES} bytes`);
    }
    const secret = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
    const res = await kv.atomic().check(seen).set(ORDER_ID_SECRET_KEY, secret).commit();
    if (res.ok) return secret;
    // another process created it meanwhile: read theirs
  }
  throw new Error("Could not read or create the order id secret in orders' store");
}

/** The first 6 bytes (the millisecond timestamp) of `key` when it is a UUIDv7, else undefined. */
function timePrefixOf(key: string): Uint8Array | undefined {
  return isUuid(key) && uuidVersion(key) === 7 ? parseUuid(key).slice(0, 6) : undefined;
}

/** A new id for an order placed without an idempotency key: a UUIDv7 (time-ordered, 73 random bits). */
export function newOrderId(): string {
  return randomUuidV7();
}

/** `bytes` (16) as a UUIDv8 string, after `prefix`: version nibble 8, variant bits 10. */
function uuidV8(bytes: Uint8Array, prefix?: Uint8Array): string {
  const b = bytes.slice(0, 16);
  if (prefix) b.set(prefix);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Derives order ids from idempotency keys under the secret of one orders store (loaded on first use). */
export class KeyedOrderIds {
  readonly #kv: Deno.Kv;
  #secret: Promise<Uint8Array> | undefined;

  /** Ids for orders' store `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * The order id of `customerId`'s CreateOrder with idempotency key `key` (the same every time); it
   * starts with the key's timestamp when the key is a UUIDv7.
   */
  async idFor(customerId: string, key: string): Promise<string> {
    const pending = this.#secret ??= loadSecret(this.#kv);
    let secret: Uint8Array;
    try {
      secret = await pending;
    } catch (err) {
      if (this.#secret === pending) this.#secret = undefined; // the next call tries again
      throw err;
    }
    // length-prefixed, so no (customer, key) pair can be spelled as another
    const mac = createHmac("sha256", secret)
      .update(`${customerId.length}:${customerId}|${key}`, "utf8")
      .digest();
    return uuidV8(mac, timePrefixOf(key));
  }
}
