/**
 * The search index, the customer records and the running figures, kept in the same atomic operation
 * as the order they describe (called from `store.ts`'s `addCreate` and `addUpdate`). A new order adds a
 * handful of keys; a status change adds only the `sum`s of the figures that changed. An order stored
 * before the indexes existed (no `["orders_indexed", id]` marker) is left to the back-fill
 * (`backfill.ts`), which counts it in its state then: its updates meanwhile only check that the marker
 * is still absent, so the back-fill and an update never both count the same change.
 *
 * @module
 */
import type { Order } from "./domain/order.ts";
import { addFigureDelta } from "./figures/contribution.ts";
import { addCustomerRecord } from "./figures/customer_record.ts";
import { addSearchKeys, indexedKey } from "./search/keys.ts";

/** Adds the index entries, customer record and figures of a new `order` to `op`. */
export function addIndexesOnCreate(op: Deno.AtomicOperation, order: Order): void {
  addSearchKeys(op, order);
  addCustomerRecord(op, order);
  addFigureDelta(op, null, order);
}

/**
 * Adds the change of the figures from `before` to `after` to `op`; for an order not indexed yet
 * (`indexed` false), only the check that it still is not.
 */
export function addIndexesOnUpdate(
  op: Deno.AtomicOperation,
  before: { order: Order; indexed?: boolean },
  after: Order,
): void {
  if (before.indexed === false) {
    op.check({ key: indexedKey(after.id), versionstamp: null });
    return;
  }
  addFigureDelta(op, before.order, after);
}
