/**
 * Stock's KV layout and atomic operations.
 *
 * Layout:
 * - `["items", id]` -> {@linkcode StockItem}
 * - `["reservations", orderId]` -> {@linkcode StockReservation}
 * - `["unconfirmed_reservations", createdAtMs, orderId]` -> orderId, while stock has not learnt that the
 *   order of a `reserved` reservation exists (written with the reservation, deleted in the same commit
 *   as its confirmation, sale or release), so the sweeper reads only the overdue entries, oldest first
 * - `["catalog", "seeded"]` -> ISO time the demo menu was seeded
 *
 * Every change that reads an item checks its versionstamp in the same `kv.atomic()`, and retries on
 * conflict, so concurrent reservations can never drive a count below zero.
 *
 * @module
 */
import type { HandlerContext } from "../common/bus/types.ts";
import { RpcError } from "../common/errors.ts";
import { compareItemIds, restock as restockItem, type StockItem } from "./domain/item.ts";
import { mergeLines, type RequestedLine, sameLines, validateReservationRequest } from "./domain/lines.ts";
import { MENU, MENU_CURRENCY } from "./domain/menu.ts";
import type { SweepDecision } from "./domain/order_fate.ts";
import {
  confirm,
  isOrphanRelease,
  release,
  releaseUnclaimed,
  type ReservationChange,
  reserve,
  sell,
  type StockReservation,
} from "./domain/reservation.ts";

/** KV key of item `id`. */
export function itemKey(id: string): Deno.KvKey {
  return ["items", id];
}

/** KV key of the reservation of order `orderId`. */
export function reservationKey(orderId: string): Deno.KvKey {
  return ["reservations", orderId];
}

/** Prefix of the index of reservations not yet confirmed by their `order.created`. */
export const UNCONFIRMED: Deno.KvKey = ["unconfirmed_reservations"];

/** KV key of `reservation`'s entry in the unconfirmed index. */
export function unconfirmedKey(reservation: Pick<StockReservation, "orderId" | "createdAt">): Deno.KvKey {
  return [...UNCONFIRMED, Date.parse(reservation.createdAt), reservation.orderId];
}

const SEEDED_KEY: Deno.KvKey = ["catalog", "seeded"];

/** `kv.getMany` reads at most 10 keys at a time. */
const GET_MANY_LIMIT = 10;

/**
 * Seeds the demo menu when the catalog is empty, in one atomic commit (a concurrent seeder loses
 * the race and changes nothing). Returns true when this call seeded.
 */
export async function seedCatalog(kv: Deno.Kv): Promise<boolean> {
  for await (const _ of kv.list({ prefix: ["items"] }, { limit: 1 })) return false;
  const op = kv.atomic().check({ key: SEEDED_KEY, versionstamp: null });
  for (const m of MENU) {
    const item: StockItem = {
      id: m.id,
      name: m.name,
      description: m.description,
      price: m.price,
      currency: MENU_CURRENCY,
      available: m.quantity,
      reserved: 0,
      sold: 0,
    };
    op.check({ key: itemKey(m.id), versionstamp: null }).set(itemKey(m.id), item);
  }
  op.set(SEEDED_KEY, new Date().toISOString());
  const res = await op.commit();
  return res.ok;
}

/** Every catalog item, ids in numeric order. */
export async function listItems(kv: Deno.Kv): Promise<StockItem[]> {
  const items: StockItem[] = [];
  for await (const e of kv.list<StockItem>({ prefix: ["items"] })) items.push(e.value);
  return items.sort((a, b) => compareItemIds(a.id, b.id));
}

/** Item `id`; throws `not_found` naming the id when there is none. */
export async function getItem(kv: Deno.Kv, id: string): Promise<StockItem> {
  const e = await kv.get<StockItem>(itemKey(id));
  if (e.value === null) throw new RpcError("not_found", `Item "${id}" not found`, { field: "id" });
  return e.value;
}

/** The reservation of `orderId`; throws `not_found` naming the order when there is none. */
export async function getReservation(kv: Deno.Kv, orderId: string): Promise<StockReservation> {
  const e = await kv.get<StockReservation>(reservationKey(orderId));
  if (e.value === null) {
    throw new RpcError("not_found", `No reservation for order "${orderId}"`, { field: "order_id" });
  }
  return e.value;
}

/** Reads item entries by id (in chunks of 10), keyed by id; missing items are absent from the map. */
async function readItems(
  kv: Deno.Kv,
  ids: readonly string[],
): Promise<{ entries: Deno.KvEntryMaybe<StockItem>[]; items: Map<string, StockItem> }> {
  const entries: Deno.KvEntryMaybe<StockItem>[] = [];
  for (let i = 0; i < ids.length; i += GET_MANY_LIMIT) {
    const chunk = ids.slice(i, i + GET_MANY_LIMIT).map(itemKey);
    entries.push(...await kv.getMany<StockItem[]>(chunk));
  }
  const items = new Map<string, StockItem>();
  for (const e of entries) if (e.value !== null) items.set(e.value.id, e.value);
  return { entries, items };
}

/** Waits a little, more after repeated conflicts, so competing writers spread out. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(attempt, 20);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reserves `lines` for `orderId`, all or nothing, in one atomic commit that checks every item read
 * (retried on conflict until it commits or the rules reject it).
 *
 * Idempotent per order: when the order already has a reservation for the same merged lines, that
 * reservation is returned and stock is untouched; for different lines, `already_exists` is thrown.
 * A reservation released because orders said the order did not exist is reserved afresh: orders asks
 * again only for an order it has not stored (a retried create), which needs its units held.
 */
export async function reserveItems(
  kv: Deno.Kv,
  orderId: string,
  requested: readonly RequestedLine[],
  now: () => Date = () => new Date(),
): Promise<StockReservation> {
  validateReservationRequest(orderId, requested);
  const lines = mergeLines(requested);
  for (let attempt = 1;; attempt++) {
    const existing = await kv.get<StockReservation>(reservationKey(orderId));
    if (existing.value !== null && !isOrphanRelease(existing.value)) {
      if (sameLines(existing.value.lines, lines)) return existing.value;
      throw new RpcError(
        "already_exists",
        `Order "${orderId}" already has a reservation for different items`,
        { field: "order_id" },
      );
    }
    const { entries, items } = await readItems(kv, lines.map((l) => l.itemId));
    const change = reserve(orderId, lines, items, now());
    const op = kv.atomic().check(existing);
    for (const e of entries) op.check(e);
    applyChange(op, change);
    op.set(unconfirmedKey(change.reservation), orderId);
    if ((await op.commit()).ok) return change.reservation;
    await backoff(attempt);
  }
}

/** Adds `quantity` available units to item `id` (retried on conflict); returns the item. */
export async function restock(kv: Deno.Kv, id: string, quantity: number): Promise<StockItem> {
  for (let attempt = 1;; attempt++) {
    const e = await kv.get<StockItem>(itemKey(id));
    if (e.value === null) throw new RpcError("not_found", `Item "${id}" not found`, { field: "item_id" });
    const item = restockItem(e.value, quantity);
    if ((await kv.atomic().check(e).set(itemKey(id), item).commit()).ok) return item;
    await backoff(attempt);
  }
}

/** What {@linkcode settleReservation} did. */
export type SettleOutcome = "settled" | "no_reservation" | "not_reserved";

/** How to settle a reservation: sell it (order paid) or release it (order cancelled). */
export type Settlement = "sold" | "released";

/**
 * Adds selling (`"sold"`) or releasing (`"released"`) the reservation of `orderId` to `ctx.op` (an
 * event handler's operation), with checks on everything read, and removes its unconfirmed-index entry.
 * A reservation not in `reserved` state (a duplicate or late event) or no reservation at all adds
 * nothing; the outcome says which.
 */
export async function settleReservation(
  ctx: Pick<HandlerContext, "kv" | "op">,
  orderId: string,
  to: Settlement,
  now: Date = new Date(),
): Promise<SettleOutcome> {
  const existing = await ctx.kv.get<StockReservation>(reservationKey(orderId));
  if (existing.value === null) return "no_reservation";
  const { entries, items } = await readItems(ctx.kv, existing.value.lines.map((l) => l.itemId));
  const change = to === "sold" ? sell(existing.value, items, now) : release(existing.value, items, now);
  if (!change) return "not_reserved";
  ctx.op.check(existing);
  for (const e of entries) ctx.op.check(e);
  applyChange(ctx.op, change);
  ctx.op.delete(unconfirmedKey(existing.value));
  return "settled";
}

/** What {@linkcode confirmReservation} did. */
export type ConfirmOutcome = "confirmed" | "no_reservation" | "already_confirmed" | "settled" | "orphaned";

/**
 * Adds confirming the reservation of `orderId` (its `order.created` arrived) to the handler's
 * operation: `confirmedAt` set and the unconfirmed-index entry removed, guarded by the reservation's
 * versionstamp (so it cannot interleave with the sweeper). Anything but an unconfirmed `reserved`
 * reservation adds nothing; `expired` means the sweeper released it first, and it stays released.
 */
export async function confirmReservation(
  ctx: Pick<HandlerContext, "kv" | "op">,
  orderId: string,
  now: Date = new Date(),
): Promise<ConfirmOutcome> {
  const existing = await ctx.kv.get<StockReservation>(reservationKey(orderId));
  if (existing.value === null) return "no_reservation";
  const result = confirm(existing.value, now);
  if (!result.reservation) return result.ignored;
  ctx.op.check(existing)
    .set(reservationKey(orderId), result.reservation)
    .delete(unconfirmedKey(existing.value));
  return "confirmed";
}

/**
 * The overdue part of the unconfirmed index: entries of reservations made at or before `cutoffMs`,
 * oldest first, at most `limit`.
 */
export async function listOverdueUnconfirmed(
  kv: Deno.Kv,
  cutoffMs: number,
  limit: number,
): Promise<Deno.KvEntry<string>[]> {
  return await Array.fromAsync(
    kv.list<string>({ prefix: UNCONFIRMED, end: [...UNCONFIRMED, cutoffMs + 1] }, { limit }),
  );
}

/** What {@linkcode resolveOverdue} did. */
export type ResolveOutcome = "released" | "confirmed" | "kept" | "stale";

/** How many times a conflicting commit of {@linkcode resolveOverdue} is retried. */
const RESOLVE_ATTEMPTS = 20;

/**
 * Applies the sweeper's `decision` about the reservation behind the unconfirmed-index `entry`, in one
 * commit that re-checks the reservation (and, when releasing, its items) as read, retried on conflict:
 *
 * - the reservation is no longer an overdue unconfirmed `reserved` one (confirmed by its
 *   `order.created`, sold, released, gone): the stale entry is deleted, nothing else (`stale`);
 * - `confirm`: marked confirmed by orders and removed from the index (`confirmed`);
 * - `keep`: nothing changes, it is asked about again next sweep (`kept`);
 * - `release`: released as a cancelled order's would be, remembering why (`released`).
 */
export async function resolveOverdue(
  kv: Deno.Kv,
  entry: Deno.KvEntry<string>,
  decision: SweepDecision,
  ttlMs: number,
  now: Date = new Date(),
): Promise<ResolveOutcome> {
  const orderId = entry.value;
  for (let attempt = 1;; attempt++) {
    const existing = await kv.get<StockReservation>(reservationKey(orderId));
    const r = existing.value;
    const overdue = r !== null && r.status === "reserved" && r.confirmedAt === undefined &&
      unconfirmedKey(r).every((part, i) => part === entry.key[i]);
    if (!overdue) {
      await kv.atomic().check(entry).delete(entry.key).commit();
      return "stale";
    }
    if (decision.action === "keep") return "kept";
    const op = kv.atomic().check(existing);
    if (decision.action === "confirm") {
      const result = confirm(r, now, "orders");
      if (!result.reservation) return "stale"; // unreachable: `overdue` above means unconfirmed
      op.set(reservationKey(orderId), result.reservation).delete(entry.key);
    } else {
      const { entries, items } = await readItems(kv, r.lines.map((l) => l.itemId));
      const change = releaseUnclaimed(r, items, now, ttlMs, decision.because);
      if (!change) return "kept"; // younger than the TTL: orders may not have stored it yet
      for (const e of entries) op.check(e);
      applyChange(op, change);
      op.delete(entry.key);
    }
    if ((await op.commit()).ok) return decision.action === "confirm" ? "confirmed" : "released";
    if (attempt >= RESOLVE_ATTEMPTS) {
      throw new Error(`Could not ${decision.action} the reservation of order "${orderId}": commit conflicts`);
    }
    await backoff(attempt);
  }
}

function applyChange(op: Deno.AtomicOperation, change: ReservationChange): void {
  for (const item of change.items) op.set(itemKey(item.id), item);
  op.set(reservationKey(change.reservation.orderId), change.reservation);
}
