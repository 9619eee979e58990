/**
 * Orders' search index: keys written in the same atomic operation as the order they point to.
 *
 * | key | value |
 * | --- | --- |
 * | `["orders_by_number", number]` | order id |
 * | `["orders_by_text", token, createdAtMs, id]` | customer id (tokens: `tokens.ts`: name words, phone suffix, email) |
 * | `["orders_indexed", id]` | 1: the order is in the search index and the figures (see `backfill.ts`) |
 *
 * Details never change after checkout, so these keys are written once, when the order is created (or
 * back-filled), and never moved. The text index also finds customers (`figures/customers.ts`), hence its
 * value: the order's customer.
 *
 * @module
 */
import type { Order } from "../domain/order.ts";
import { detailTokens } from "./tokens.ts";

/** Prefix of the number index. */
export const BY_NUMBER: Deno.KvKey = ["orders_by_number"];
/** Prefix of the text index. */
export const BY_TEXT: Deno.KvKey = ["orders_by_text"];
/** Prefix of the indexed markers. */
export const INDEXED: Deno.KvKey = ["orders_indexed"];

/** The key of order number `n`. */
export function numberKey(n: number): Deno.KvKey {
  return [...BY_NUMBER, n];
}

/** The marker saying order `id` is indexed. */
export function indexedKey(id: string): Deno.KvKey {
  return [...INDEXED, id];
}

/** The text index key of `token` for `order`. */
export function textKey(token: string, createdAtMs: number, id: string): Deno.KvKey {
  return [...BY_TEXT, token, createdAtMs, id];
}

/** Adds the number and text index entries of `order` and its marker to `op`. */
export function addSearchKeys(op: Deno.AtomicOperation, order: Order): void {
  const ms = new Date(order.createdAt).getTime();
  if (order.number) op.set(numberKey(order.number), order.id);
  for (const token of detailTokens(order.details)) op.set(textKey(token, ms, order.id), order.customerId);
  op.set(indexedKey(order.id), 1);
}
