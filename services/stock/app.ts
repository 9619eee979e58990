/**
 * Stock's use cases: reserve, restock, sell or release a reservation, and resolve an overdue
 * one. The only code that sequences store reads and domain rules; every change runs in a unit-of-work
 * transaction that checks everything it read (commands through `uow.run`, which re-runs them on a
 * conflict; event use cases in the consumer's operation), so concurrent reservations can never drive a
 * count below zero.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import type { Tx, UnitOfWork } from "../common/unit_of_work.ts";
import { restock as restockItem, type StockItem } from "./domain/item.ts";
import type { ChangedBy } from "./domain/item_edit.ts";
import { addItemChange } from "./menu_store.ts";
import {
  type MergedLine,
  mergeLines,
  type RequestedLine,
  sameLines,
  validateReservationRequest,
} from "./domain/lines.ts";
import type { SweepDecision } from "./domain/order_fate.ts";
import {
  confirm,
  isOrphanRelease,
  release,
  releaseUnclaimed,
  renewHold,
  reserve,
  sell,
  type StockReservation,
} from "./domain/reservation.ts";
import {
  addChange,
  itemKey,
  readItems,
  readReservationsAndItems,
  readReservationWithItems,
  reservationKey,
  unconfirmedKey,
} from "./store.ts";

/** The part of a {@linkcode Tx} the event use cases use (a consumer's `ctx` is one). */
export type TxLike = Pick<Tx, "kv" | "op">;

/**
 * Reserves `lines` for `orderId`, all or nothing, in one atomic commit that checks every item read
 * (re-run on conflict by the unit of work until it commits or the rules reject it).
 *
 * Idempotent per order: when the order already has a reservation for the same merged lines, that
 * reservation is returned and stock is untouched; for different lines, `already_exists` is thrown.
 * A reservation released because orders said the order did not exist is reserved afresh: orders asks
 * again only for an order it has not stored (a retried create), which needs its units held.
 */
export async function reserveItems(
  uow: UnitOfWork,
  orderId: string,
  requested: readonly RequestedLine[],
  now: () => Date = () => new Date(),
): Promise<StockReservation> {
  validateReservationRequest(orderId, requested);
  const [result] = await reserveBatch(uow, [{ orderId, lines: mergeLines(requested) }], now);
  if ("error" in result!) throw result.error;
  return result!.reservation;
}

/** One reservation asked for: its order and its merged lines (validated, see `domain/lines.ts`). */
export interface ReservationRequest {
  /** The order the units are held for. */
  orderId: string;
  /** What it asks for, merged. */
  lines: readonly MergedLine[];
}

/** What one request of a batch came to: its reservation, or the rule it broke (nothing held for it). */
export type ReservationResult = { reservation: StockReservation } | { error: DomainError };

/**
 * Reserves for every request of `requests` in ONE atomic commit (group commit, see
 * `reservation_queue.ts`): the reservations and items of all of them are read together, each request is
 * decided in turn on the counts the ones before it left (so two of them can never both take the last
 * unit), and everything read is checked at commit; a conflict re-runs the whole batch on fresh reads. A
 * request the rules reject (out of stock, unknown item, a different reservation for its order) gets its
 * error and holds nothing; the others are not affected. Each request is idempotent per order as in
 * {@linkcode reserveItems}; an order asked for twice in one batch is decided once, the second ask
 * seeing the first's reservation. An order asking again for a reservation that is still unconfirmed (a
 * retried checkout) renews its hold ({@linkcode renewHold}): the commit moves its unconfirmed-index entry,
 * so a sweep that decided to release it on an earlier answer of orders finds it renewed and keeps it.
 * The caller keeps a batch within KV's limits: at most 100 distinct reservations and items
 * ({@linkcode batchChecks}).
 */
export function reserveBatch(
  uow: UnitOfWork,
  requests: readonly ReservationRequest[],
  now: () => Date = () => new Date(),
): Promise<ReservationResult[]> {
  return uow.run(async ({ kv, op }) => {
    const orderIds = [...new Set(requests.map((r) => r.orderId))];
    const itemIds = [...new Set(requests.flatMap((r) => r.lines.map((l) => l.itemId)))];
    const { reservations, entries, items } = await readReservationsAndItems(kv, orderIds, itemIds);
    const at = now();
    const changed = new Map<string, StockItem>();
    const made = new Map<string, StockReservation>();
    const renewed = new Map<string, { from: StockReservation; to: StockReservation }>();
    const results = requests.map((req): ReservationResult => {
      const existing = made.get(req.orderId) ?? renewed.get(req.orderId)?.to ??
        reservations.get(req.orderId)!.value;
      if (existing !== null && !isOrphanRelease(existing)) {
        if (sameLines(existing.lines, req.lines)) {
          if (made.has(req.orderId) || renewed.has(req.orderId)) return { reservation: existing };
          const to = renewHold(existing, at);
          if (to) renewed.set(req.orderId, { from: existing, to });
          return { reservation: to ?? existing };
        }
        return {
          error: new DomainError(
            "already_exists",
            `Order "${req.orderId}" already has a reservation for different items`,
            { field: "order_id" },
          ),
        };
      }
      let change;
      try {
        change = reserve(req.orderId, req.lines, items, at);
      } catch (err) {
        if (err instanceof DomainError) return { error: err };
        throw err;
      }
      for (const item of change.items) {
        items.set(item.id, item); // the next request of the batch sees what this one took
        changed.set(item.id, item);
      }
      made.set(req.orderId, change.reservation);
      return { reservation: change.reservation };
    });
    // nothing to commit: every request was held already (and confirmed or settled) or refused
    if (made.size === 0 && renewed.size === 0) return results;
    for (const e of reservations.values()) op.check(e);
    for (const e of entries) op.check(e);
    for (const item of changed.values()) op.set(itemKey(item.id), item);
    for (const { from, to } of renewed.values()) {
      op.delete(unconfirmedKey(from));
      op.set(reservationKey(to.orderId), to);
      op.set(unconfirmedKey(to), to.orderId);
    }
    for (const r of made.values()) {
      op.set(reservationKey(r.orderId), r);
      op.set(unconfirmedKey(r), r.orderId);
    }
    return results;
  }, "reserveItems");
}

/** The checks a batch of `requests` makes (one per distinct order and per distinct item): at most 100. */
export function batchChecks(requests: readonly ReservationRequest[]): number {
  return new Set(requests.map((r) => r.orderId)).size +
    new Set(requests.flatMap((r) => r.lines.map((l) => l.itemId))).size;
}

/**
 * Adds `quantity` available units to item `id`; returns the item. With `by` (staff), records who and
 * when, and the change goes to `WatchItems` watchers.
 */
export function restock(uow: UnitOfWork, id: string, quantity: number, by?: ChangedBy): Promise<StockItem> {
  return uow.run(async ({ kv, op }) => {
    const e = await kv.get<StockItem>(itemKey(id));
    if (e.value === null) throw new DomainError("not_found", `Item "${id}" not found`, { field: "item_id" });
    const item = restockItem(e.value, quantity);
    op.check(e);
    if (!by) op.set(itemKey(id), item);
    else {
      const changed = { ...item, updatedBy: by.staff, updatedAt: by.at.toISOString() };
      addItemChange(op, changed, "restocked");
      return changed;
    }
    return item;
  }, "restock");
}

/** What {@linkcode settleReservation} did. */
export type SettleOutcome = "settled" | "no_reservation" | "not_reserved";

/** How to settle a reservation: sell it (order paid) or release it (order cancelled). */
export type Settlement = "sold" | "released";

/**
 * Adds selling (`"sold"`) or releasing (`"released"`) the reservation of `orderId` to `ctx.op` (an
 * event handler's operation), with checks on everything read, and removes its unconfirmed-index entry.
 * A reservation not in `reserved` state (a duplicate or late event) or no reservation at all adds
 * nothing; the outcome says which. `likelyItems` (e.g. the items an `order.paid` names) are read with
 * the reservation in one `getMany`; only the reservation's own items are used and checked, and any of
 * them not among `likelyItems` are read after.
 */
export async function settleReservation(
  ctx: TxLike,
  orderId: string,
  to: Settlement,
  now: Date = new Date(),
  likelyItems: readonly string[] = [],
): Promise<SettleOutcome> {
  const { reservation: existing, entries, items } = await readReservationWithItems(
    ctx.kv,
    orderId,
    likelyItems,
  );
  if (existing.value === null) return "no_reservation";
  const change = to === "sold" ? sell(existing.value, items, now) : release(existing.value, items, now);
  if (!change) return "not_reserved";
  ctx.op.check(existing);
  for (const e of entries) ctx.op.check(e);
  addChange(ctx.op, change);
  ctx.op.delete(unconfirmedKey(existing.value));
  return "settled";
}

/** What {@linkcode resolveOverdue} did. */
export type ResolveOutcome = "released" | "confirmed" | "kept" | "stale";

/**
 * Applies the sweeper's `decision` about the reservation behind the unconfirmed-index `entry`, in one
 * commit that re-checks the reservation (and, when releasing, its items) as read, re-run on conflict:
 *
 * - the reservation is no longer an overdue unconfirmed `reserved` one (sold, released, confirmed
 *   already, gone): the stale entry is deleted, nothing else (`stale`);
 * - `confirm`: marked confirmed by orders and removed from the index (`confirmed`);
 * - `keep`: nothing changes, it is asked about again next sweep (`kept`);
 * - `release`: released as a cancelled order's would be, remembering why (`released`).
 */
export function resolveOverdue(
  uow: UnitOfWork,
  entry: Deno.KvEntry<string>,
  decision: SweepDecision,
  ttlMs: number,
  now: Date = new Date(),
): Promise<ResolveOutcome> {
  const orderId = entry.value;
  return uow.run(async ({ kv, op }): Promise<ResolveOutcome> => {
    const existing = await kv.get<StockReservation>(reservationKey(orderId));
    const r = existing.value;
    const overdue = r !== null && r.status === "reserved" && r.confirmedAt === undefined &&
      unconfirmedKey(r).every((part, i) => part === entry.key[i]);
    if (!overdue) {
      // the entry as read, if still there (a confirmation, sale or release deletes it with its change)
      const current = await kv.get(entry.key);
      if (current.versionstamp === entry.versionstamp) op.check(entry).delete(entry.key);
      return "stale";
    }
    if (decision.action === "keep") return "kept";
    op.check(existing);
    if (decision.action === "confirm") {
      const result = confirm(r, now, "orders");
      if (!result.reservation) return "stale"; // unreachable: `overdue` above means unconfirmed
      op.set(reservationKey(orderId), result.reservation).delete(entry.key);
    } else {
      const { entries, items } = await readItems(kv, r.lines.map((l) => l.itemId));
      const change = releaseUnclaimed(r, items, now, ttlMs, decision.because);
      if (!change) return "kept"; // younger than the TTL: orders may not have stored it yet
      for (const e of entries) op.check(e);
      addChange(op, change);
      op.delete(entry.key);
    }
    return decision.action === "confirm" ? "confirmed" : "released";
  }, "resolveOverdue");
}
