/**
 * Reservations: all-or-nothing holds of stock for one order, then sold (order paid) or released
 * (order cancelled), each exactly once.
 *
 * A reservation is made before its order exists (orders reserves, then stores the order). Most are
 * sold or released within minutes; one still open one TTL after it was made becomes *confirmed* when
 * orders, asked by the sweeper, says the order exists (records from earlier versions may say
 * `order.created` confirmed them: stock listened to it then). A reservation lives as long as its order
 * can still pay: it is released only when the order is known to be gone — cancelled (or expired,
 * which orders records as cancelled), or confirmed by orders never to have existed
 * ({@linkcode releaseUnclaimed}) — never because a message is late. A reservation released because
 * its order did not exist stays released ({@linkcode confirm}).
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { StockItem } from "./item.ts";
import type { MergedLine } from "./lines.ts";

/** Where a reservation is in its life. */
export type ReservationState = "reserved" | "sold" | "released";

/**
 * Why a reservation was released: its order was cancelled (`order.cancelled`, or orders said so when
 * the sweeper asked); orders confirmed that the order does not exist (`no_order`); or, in records
 * written before stock asked orders, no `order.created` confirmed it within the TTL (`expired`).
 */
export type ReleaseCause = "cancelled" | "no_order" | "expired";

/** Who confirmed a reservation: orders answering the sweeper (or, in older records, its `order.created`). */
export type ConfirmedBy = "order.created" | "orders";

/** One priced line of a reservation, snapshotted when reserved. */
export interface ReservedLine {
  /** The catalog item id. */
  itemId: string;
  /** The item name at reservation time. */
  name: string;
  /** Units held. */
  quantity: number;
  /** Unit price in minor units at reservation time. */
  unitPrice: number;
  /** The kitchen station of the item at reservation time (absent: none, or reserved before stations). */
  station?: string;
}

/** A reservation as stored. */
export interface StockReservation {
  /** The order it belongs to (one reservation per order). */
  orderId: string;
  /** Merged, priced lines in request order. */
  lines: ReservedLine[];
  /** Sum of `quantity * unitPrice` in minor units. */
  total: number;
  /** ISO 4217 currency of every price. */
  currency: string;
  /** The current state. */
  status: ReservationState;
  /** ISO time it was made. */
  createdAt: string;
  /** ISO time of the last change. */
  updatedAt: string;
  /**
   * ISO time its order last asked for it again while it was unconfirmed (a checkout retried under the
   * same order id, see {@linkcode renewHold}); the sweeper's TTL counts from it. Absent: from `createdAt`.
   */
  heldSince?: string;
  /** ISO time stock learnt that its order exists; absent while unconfirmed. */
  confirmedAt?: string;
  /** How stock learnt it (absent in records written before orders was asked: `order.created`). */
  confirmedBy?: ConfirmedBy;
  /** Why it was released, once `released`. */
  releasedBecause?: ReleaseCause;
}

/** An item that cannot be reserved in full. */
export interface Shortage {
  /** The catalog item id. */
  itemId: string;
  /** The item name. */
  name: string;
  /** Units asked for (merged). */
  requested: number;
  /** Units available. */
  available: number;
}

/** The outcome of a change: the new reservation and the items whose counts changed. */
export interface ReservationChange {
  /** The reservation after the change. */
  reservation: StockReservation;
  /** Every item touched, with new counts. */
  items: StockItem[];
}

/**
 * Plans reserving `lines` (already merged) for `orderId` from `items` (the current catalog entries
 * of those lines; a missing entry is an unknown item).
 *
 * Throws `unknown_item` naming every unknown id, `item_unavailable` naming every item staff took off
 * the menu ("86"), or `out_of_stock` with every shortage; in each case nothing is reserved. Otherwise returns the reservation and the items with `available` lowered and
 * `reserved` raised.
 */
export function reserve(
  orderId: string,
  lines: readonly MergedLine[],
  items: ReadonlyMap<string, StockItem>,
  now: Date,
): ReservationChange {
  const unknown = lines.filter((l) => !items.has(l.itemId));
  if (unknown.length > 0) {
    const names = unknown.map((l) => `"${l.itemId}"`).join(", ");
    throw new DomainError("unknown_item", `Unknown item${unknown.length > 1 ? "s" : ""} ${names}`, {
      field: `items[${unknown[0]!.index}].id`,
    });
  }
  const picked = lines.map((line) => ({ line, item: items.get(line.itemId)! }));
  const off = picked.filter(({ item }) => item.offMenu === true);
  if (off.length > 0) throw offMenuError(off);
  const shortages: Shortage[] = picked
    .filter(({ line, item }) => item.available < line.quantity)
    .map(({ line, item }) => ({
      itemId: item.id,
      name: item.name,
      requested: line.quantity,
      available: item.available,
    }));
  if (shortages.length > 0) {
    const list = shortages.map((s) => `${s.name} (requested ${s.requested}, available ${s.available})`)
      .join(", ");
    throw new DomainError("out_of_stock", `Not enough stock for: ${list}`, { field: "items", shortages });
  }
  const currency = picked[0]!.item.currency;
  const other = picked.find(({ item }) => item.currency !== currency);
  if (other) {
    throw new DomainError(
      "invalid_argument",
      `Item "${other.item.id}" is priced in ${other.item.currency}, not ${currency}`,
      { field: `items[${other.line.index}].id` },
    );
  }
  const reservedLines = picked.map(({ line, item }) => ({
    itemId: item.id,
    name: item.name,
    quantity: line.quantity,
    unitPrice: item.price,
    ...(item.station ? { station: item.station } : {}),
  }));
  const at = now.toISOString();
  return {
    reservation: {
      orderId,
      lines: reservedLines,
      total: reservedLines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0),
      currency,
      status: "reserved",
      createdAt: at,
      updatedAt: at,
    },
    items: picked.map(({ line, item }) => ({
      ...item,
      available: item.available - line.quantity,
      reserved: item.reserved + line.quantity,
    })),
  };
}

/**
 * Plans selling a reservation (its order was paid): `reserved -> sold` on every line.
 * Returns `undefined` when the reservation is not `reserved` (a duplicate or late event: no-op).
 */
export function sell(
  reservation: StockReservation,
  items: ReadonlyMap<string, StockItem>,
  now: Date,
): ReservationChange | undefined {
  return settle(reservation, items, now, "sold");
}

/**
 * Plans releasing a reservation (its order was cancelled): held units become available again.
 * Returns `undefined` when the reservation is not `reserved` (a duplicate or late event: no-op).
 */
export function release(
  reservation: StockReservation,
  items: ReadonlyMap<string, StockItem>,
  now: Date,
): ReservationChange | undefined {
  return settle(reservation, items, now, "released", "cancelled");
}

/**
 * True when `reservation` is still `reserved`, unconfirmed, and was made at least `ttlMs` before `now`:
 * the sweeper may ask orders about it. Orders stores an order right after its reservation, so only
 * a reservation this old can be answered "no such order" without racing the order's creation.
 */
export function isOverdueUnconfirmed(reservation: StockReservation, now: Date, ttlMs: number): boolean {
  return reservation.status === "reserved" && reservation.confirmedAt === undefined &&
    now.getTime() - Date.parse(holdStart(reservation)) >= ttlMs;
}

/** When the sweeper's TTL of `reservation` starts: its order's last ask ({@linkcode renewHold}), else its making. */
export function holdStart(reservation: Pick<StockReservation, "createdAt" | "heldSince">): string {
  return reservation.heldSince ?? reservation.createdAt;
}

/**
 * Plans renewing the hold of `reservation` when its order asks for it again (a checkout retried under the
 * same order id, after the attempt that reserved died before orders stored the order): a `reserved`,
 * unconfirmed reservation restarts its TTL at `now`, so the order gets a whole TTL to be stored before
 * the sweeper asks about it. Without this, a sweep that asked orders just before the retry reserved (no
 * such order yet) would release the units the retried order then keeps and pays for. Anything else
 * (confirmed, sold, released) is returned as it is: `undefined` means nothing changes.
 */
export function renewHold(reservation: StockReservation, now: Date): StockReservation | undefined {
  if (reservation.status !== "reserved" || reservation.confirmedAt !== undefined) return undefined;
  const at = now.toISOString();
  return { ...reservation, heldSince: at, updatedAt: at };
}

/**
 * Plans releasing an overdue unconfirmed reservation whose order orders says is gone: `no_order` (it
 * never existed) or `cancelled`. The same release as a cancelled order's. Returns `undefined` unless
 * {@linkcode isOverdueUnconfirmed} (confirmed, settled, or too young: kept).
 */
export function releaseUnclaimed(
  reservation: StockReservation,
  items: ReadonlyMap<string, StockItem>,
  now: Date,
  ttlMs: number,
  because: "no_order" | "cancelled",
): ReservationChange | undefined {
  if (!isOverdueUnconfirmed(reservation, now, ttlMs)) return undefined;
  return settle(reservation, items, now, "released", because);
}

/** What {@linkcode confirm} decided. */
export type ConfirmResult =
  | { reservation: StockReservation; ignored?: undefined }
  | {
    reservation?: undefined;
    /**
     * Why nothing changes: `already_confirmed` (a repeated event), `settled` (already sold, or released
     * because the order was cancelled), or `orphaned` (released because orders said, after the TTL, that
     * the order did not exist; or, in older records, because no `order.created` came in time).
     */
    ignored: "already_confirmed" | "settled" | "orphaned";
  };

/** True when `reservation` was released because its order did not exist (see {@linkcode ReleaseCause}). */
export function isOrphanRelease(reservation: StockReservation): boolean {
  return reservation.status === "released" &&
    (reservation.releasedBecause === "no_order" || reservation.releasedBecause === "expired");
}

/**
 * Plans confirming a reservation when stock learns that its order exists (orders answering the sweeper,
 * or, as earlier versions did, its `order.created`): a `reserved`, unconfirmed reservation gets `confirmedAt` and is
 * never swept again. Anything else changes nothing; in particular a reservation released because its
 * order did not exist stays released (its units may already be held by other orders).
 */
export function confirm(
  reservation: StockReservation,
  now: Date,
  by: ConfirmedBy = "orders",
): ConfirmResult {
  if (reservation.status === "released") {
    return { ignored: isOrphanRelease(reservation) ? "orphaned" : "settled" };
  }
  if (reservation.status === "sold") return { ignored: "settled" };
  if (reservation.confirmedAt !== undefined) return { ignored: "already_confirmed" };
  const at = now.toISOString();
  return { reservation: { ...reservation, confirmedAt: at, confirmedBy: by, updatedAt: at } };
}

function settle(
  reservation: StockReservation,
  items: ReadonlyMap<string, StockItem>,
  now: Date,
  to: "sold" | "released",
  because?: ReleaseCause,
): ReservationChange | undefined {
  if (reservation.status !== "reserved") return undefined;
  const changed = reservation.lines.map((line) => {
    const item = items.get(line.itemId);
    if (!item) throw new Error(`Item "${line.itemId}" of order "${reservation.orderId}" is missing`);
    if (item.reserved < line.quantity) {
      throw new Error(
        `Item "${item.id}" holds ${item.reserved} reserved units, fewer than the ${line.quantity} of order "${reservation.orderId}"`,
      );
    }
    return to === "sold"
      ? { ...item, reserved: item.reserved - line.quantity, sold: item.sold + line.quantity }
      : { ...item, reserved: item.reserved - line.quantity, available: item.available + line.quantity };
  });
  return {
    reservation: {
      ...reservation,
      status: to,
      updatedAt: now.toISOString(),
      ...(because ? { releasedBecause: because } : {}),
    },
    items: changed,
  };
}

/** The `item_unavailable` error for items taken off the menu: names them, lists them as none left. */
function offMenuError(off: readonly { line: MergedLine; item: StockItem }[]): DomainError {
  const names = off.map(({ item }) => item.name).join(", ");
  return new DomainError(
    "item_unavailable",
    `${names} ${off.length > 1 ? "are" : "is"} not available today. Please remove ${
      off.length > 1 ? "them" : "it"
    } from your order.`,
    {
      field: `items[${off[0]!.line.index}].id`,
      shortages: off.map(({ line, item }) => ({
        itemId: item.id,
        name: item.name,
        requested: line.quantity,
        available: 0,
      })),
    },
  );
}
