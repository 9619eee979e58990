/**
 * Orders' KV layout: keys, reads, and the mutations a use case adds to its transaction's operation (it
 * never commits: the unit of work does). Every index and counter changes in the same operation as the
 * order, guarded by the order's versionstamp, so lists and counts never disagree with the orders.
 *
 * | key | value |
 * | --- | --- |
 * | `["orders", id]` | {@linkcode Order} |
 * | `["orders_by_customer", customerId, "<createdAtMs padded>/<id>"]` | order id |
 * | `["orders_by_status", status, createdAtMs, id]` | order id |
 * | `["orders_by_time", createdAtMs, id]` | order id |
 * | `["order_counts", status]` | `Deno.KvU64` count of orders in that status |
 * | `["idempotency", customerId, key]` | {@linkcode IdempotencyClaim}, written with its order (`order_ids.ts`) |
 * | `["order_number_next"]` | the next unreserved order number (`numbers.ts`) |
 * | `["change_feed", "orders", atMs, uuid]` | a change record (`common/change_feed`, compact: JSON bytes), one per order commit |
 * | search index, customer records, running figures | see `indexes.ts` (same operation as the order) |
 *
 * Listing is newest first with `kv.list(..., {reverse: true})`; the page's next cursor is the KV cursor.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import { recordChange } from "../common/change_feed/record.ts";
import { type Order, ORDER_STATUSES, type OrderStatus } from "./domain/order.ts";
import { addIndexesOnCreate, addIndexesOnUpdate } from "./indexes.ts";
import { indexedKey } from "./search/keys.ts";

/** Prefix of the orders themselves. */
export const ORDERS: Deno.KvKey = ["orders"];
/** Prefix of the per-customer index. */
export const BY_CUSTOMER: Deno.KvKey = ["orders_by_customer"];
/** Prefix of the per-status index. */
export const BY_STATUS: Deno.KvKey = ["orders_by_status"];
/** Prefix of the all-orders time index. */
export const BY_TIME: Deno.KvKey = ["orders_by_time"];
/** Prefix of the per-status counters. */
export const COUNTS: Deno.KvKey = ["order_counts"];
/** The change feed every order commit records into (`WatchOrders` reads it). */
export const ORDER_FEED = "orders";
/** Prefix of idempotency claims. */
export const IDEMPOTENCY: Deno.KvKey = ["idempotency"];

/** Adding this to a `KvU64` with `sum` subtracts one (sum wraps around at 2^64). */
const MINUS_ONE = (1n << 64n) - 1n;

/** An order with the versionstamp it was read at. */
export interface OrderEntry {
  order: Order;
  versionstamp: string;
  /**
   * False when the order predates the search index and figures (not back-filled yet); absent means
   * indexed (an order this process just created).
   */
  indexed?: boolean;
}

/** The key of order `id`. */
export function orderKey(id: string): Deno.KvKey {
  return [...ORDERS, id];
}

function customerKey(o: Order): Deno.KvKey {
  return [...BY_CUSTOMER, o.customerId, `${String(o.createdAt.getTime()).padStart(15, "0")}/${o.id}`];
}

function statusKey(o: Order, status: OrderStatus = o.status): Deno.KvKey {
  return [...BY_STATUS, status, o.createdAt.getTime(), o.id];
}

function timeKey(o: Order): Deno.KvKey {
  return [...BY_TIME, o.createdAt.getTime(), o.id];
}

/** The keys {@linkcode getOrder} reads for order `id` (an event handler's read-ahead). */
export function orderEntryKeys(id: string): [Deno.KvKey, Deno.KvKey] {
  return [orderKey(id), indexedKey(id)];
}

/** The order entry read as `e` with its index marker, or null. */
function orderEntryOf(e: Deno.KvEntryMaybe<Order>, marker: Deno.KvEntryMaybe<number>): OrderEntry | null {
  return e.value === null || e.versionstamp === null
    ? null
    : { order: e.value, versionstamp: e.versionstamp, indexed: marker.versionstamp !== null };
}

/** Reads order `id` with its versionstamp and whether it is indexed (one round trip), or null. */
export async function getOrder(kv: Deno.Kv, id: string): Promise<OrderEntry | null> {
  const [e, marker] = await kv.getMany<[Order, number]>(orderEntryKeys(id));
  return orderEntryOf(e, marker);
}

/** Adds the creation of `order` (order, indexes, counter) to `op`; the commit fails if the id exists. */
export function addCreate(op: Deno.AtomicOperation, order: Order): Deno.AtomicOperation {
  recordChange(op, ORDER_FEED, {
    id: order.id,
    status: order.status,
    scope: order.customerId,
    entity: order,
    compact: true,
  });
  op
    .check({ key: orderKey(order.id), versionstamp: null })
    .set(orderKey(order.id), order)
    .set(customerKey(order), order.id)
    .set(statusKey(order), order.id)
    .set(timeKey(order), order.id)
    .sum([...COUNTS, order.status], 1n);
  addIndexesOnCreate(op, order);
  return op;
}

/**
 * Adds replacing `before` (as read) with `after` to `op`: checks the versionstamp, writes the order and,
 * when the status changed, moves its status index entry and counters.
 */
export function addUpdate(op: Deno.AtomicOperation, before: OrderEntry, after: Order): Deno.AtomicOperation {
  op.check({ key: orderKey(after.id), versionstamp: before.versionstamp }).set(orderKey(after.id), after);
  recordChange(op, ORDER_FEED, {
    id: after.id,
    status: after.status,
    scope: after.customerId,
    entity: after,
    compact: true,
  });
  const from = before.order.status;
  if (from !== after.status) {
    op.delete(statusKey(before.order, from))
      .set(statusKey(after), after.id)
      .sum([...COUNTS, from], MINUS_ONE)
      .sum([...COUNTS, after.status], 1n);
  }
  addIndexesOnUpdate(op, before, after);
  return op;
}

/** One page of orders. */
export interface OrderPage {
  orders: Order[];
  /** The cursor of the next page, "" when this is the last one. */
  nextCursor: string;
}

async function listIndex(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  pageSize: number,
  cursor: string,
  keep: (o: Order) => boolean = () => true,
): Promise<OrderPage> {
  const ids: string[] = [];
  let nextCursor = "";
  try {
    const it = kv.list<string>({ prefix }, {
      reverse: true,
      limit: pageSize + 1,
      cursor: cursor || undefined,
    });
    let pageCursor = "";
    for await (const e of it) {
      if (ids.length === pageSize) {
        nextCursor = pageCursor;
        break;
      }
      ids.push(e.value);
      pageCursor = it.cursor;
    }
  } catch (err) {
    if (cursor && err instanceof TypeError) {
      throw new DomainError("invalid_argument", `Cursor "${cursor}" is not valid for this list`, {
        field: "cursor",
        cause: err,
      });
    }
    throw err;
  }
  const orders: Order[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const got = await kv.getMany<Order[]>(ids.slice(i, i + 10).map(orderKey));
    for (const e of got) if (e.value && keep(e.value)) orders.push(e.value);
  }
  return { orders, nextCursor };
}

/** A customer's orders, newest first. */
export function listCustomerOrders(
  kv: Deno.Kv,
  customerId: string,
  pageSize: number,
  cursor = "",
): Promise<OrderPage> {
  return listIndex(kv, [...BY_CUSTOMER, customerId], pageSize, cursor);
}

/** Every order (or those in `status`), newest first. */
export function listOrders(
  kv: Deno.Kv,
  status: OrderStatus | undefined,
  pageSize: number,
  cursor = "",
): Promise<OrderPage> {
  if (!status) return listIndex(kv, BY_TIME, pageSize, cursor);
  // An order read after the index entry may have moved on; it then belongs to another status's list.
  return listIndex(kv, [...BY_STATUS, status], pageSize, cursor, (o) => o.status === status);
}

/** The number of orders in each status (every status, zeros included). */
export async function countOrders(kv: Deno.Kv): Promise<Record<OrderStatus, number>> {
  const counts = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  for await (const e of kv.list<Deno.KvU64>({ prefix: COUNTS })) {
    const status = e.key[1] as OrderStatus;
    if (status in counts) counts[status] = Number(e.value.value);
  }
  return counts;
}

/**
 * A used idempotency key: which order it stands for, when it was written, and for which body. Written
 * in its order's creation commit (the order id derives from the key, `order_ids.ts`); one without its
 * order is a claim an earlier version made before its attempt, which died.
 */
export interface IdempotencyClaim {
  orderId: string;
  claimedAt: number;
  /**
   * The request's fingerprint (`domain/request_fingerprint.ts`): a retry must send the same body.
   * Absent on claims stored before fingerprints existed (any body then counts as a retry).
   */
  fingerprint?: string;
}

/** The key of a customer's idempotency key. */
export function idempotencyKey(customerId: string, key: string): Deno.KvKey {
  return [...IDEMPOTENCY, customerId, key];
}

/** A claim as read, with its versionstamp. */
export interface ClaimEntry {
  claim: IdempotencyClaim;
  versionstamp: string;
}

/** The claim read as `e`, or null. */
function claimEntryOf(e: Deno.KvEntryMaybe<IdempotencyClaim>): ClaimEntry | null {
  return e.value === null || e.versionstamp === null
    ? null
    : { claim: e.value, versionstamp: e.versionstamp };
}

/**
 * Adds writing `claim` for the key to `op`, guarded: the key must still be as read (`seen`: the entry
 * read, or null when it was free).
 */
export function addClaim(
  op: Deno.AtomicOperation,
  customerId: string,
  key: string,
  claim: IdempotencyClaim,
  seen: ClaimEntry | null,
): Deno.AtomicOperation {
  const k = idempotencyKey(customerId, key);
  return op.check({ key: k, versionstamp: seen?.versionstamp ?? null }).set(k, claim);
}

/** What {@linkcode readKeyed} found for an idempotency key and the order id it derives. */
export interface KeyedRead {
  /** The key's claim, or null: written with its order (or by an earlier version, before it). */
  claim: ClaimEntry | null;
  /** The order of the derived id, or null. */
  order: OrderEntry | null;
}

/** Reads a customer's idempotency key and order `orderId` (its derived id) in one round trip. */
export async function readKeyed(
  kv: Deno.Kv,
  customerId: string,
  key: string,
  orderId: string,
): Promise<KeyedRead> {
  const [c, o, marker] = await kv.getMany<[IdempotencyClaim, Order, number]>([
    idempotencyKey(customerId, key),
    ...orderEntryKeys(orderId),
  ]);
  return { claim: claimEntryOf(c), order: orderEntryOf(o, marker) };
}
