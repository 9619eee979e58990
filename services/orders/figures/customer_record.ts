/**
 * The customer record: contact details from a customer's most recent order, kept in the commit that
 * creates the order (a blind write: the order being created is the newest), with two indexes for the
 * customers page.
 *
 * | key | value |
 * | --- | --- |
 * | `["customers", customerId]` | {@linkcode CustomerRecord} |
 * | `["customers_by_last", lastOrderAtMs, customerId]` | customer id (one per order; only the entry equal to the record's `lastOrderAt` counts) |
 *
 * Sums (order count, paid, refunded) live in `contribution.ts`'s customer figures; customers are found
 * by text through the orders' text index (`search/keys.ts`), whose entries name the customer.
 *
 * @module
 */
import type { Order } from "../domain/order.ts";

/** Prefix of the customer records. */
export const CUSTOMERS: Deno.KvKey = ["customers"];
/** Prefix of the by-last-order index. */
export const CUSTOMERS_BY_LAST: Deno.KvKey = ["customers_by_last"];

/** A customer as stored. */
export interface CustomerRecord {
  customerId: string;
  /** Contact details from the most recent order ("" when it had none). */
  name: string;
  phone: string;
  email: string;
  /** The most recent order's currency (that of the figures shown). */
  currency: string;
  /** Creation time of the most recent order, epoch ms. */
  lastOrderAt: number;
  /** Its id. */
  lastOrderId: string;
}

/** The key of a customer's record. */
export function customerKey(customerId: string): Deno.KvKey {
  return [...CUSTOMERS, customerId];
}

/** The record `order` makes for its customer. */
export function recordOf(order: Order): CustomerRecord {
  return {
    customerId: order.customerId,
    name: order.details?.name ?? "",
    phone: order.details?.phone ?? "",
    email: order.details?.email ?? "",
    currency: order.total.currency,
    lastOrderAt: new Date(order.createdAt).getTime(),
    lastOrderId: order.id,
  };
}

/** Adds `order`'s customer record (as their newest order) and its index entry to `op`. */
export function addCustomerRecord(op: Deno.AtomicOperation, order: Order): void {
  const record = recordOf(order);
  op.set(customerKey(record.customerId), record)
    .set([...CUSTOMERS_BY_LAST, record.lastOrderAt, record.customerId], record.customerId);
}
