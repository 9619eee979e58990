/**
 * What the admin pages and islands show, as plain JSON shapes, and what both sides share: order
 * statuses in display order, the staff's order actions (which are open is the order's data, not a rule
 * here), ticket columns, the low stock threshold and payload previews. No dependencies: islands import
 * it too.
 *
 * @module
 */

/** Order statuses in the order the dashboard shows them. */
export const ORDER_STATUSES = [
  "pending",
  "waiting_payment",
  "paid",
  "preparing",
  "ready",
  "completed",
  "cancelled",
  "refunded",
] as const;

/** An order status. */
export type OrderStatusName = typeof ORDER_STATUSES[number];

/** The admin actions on an order. */
export type OrderAction = "cancel" | "refund" | "complete";

/** The staff's actions, in the order their buttons show. */
export const STAFF_ACTIONS: readonly OrderAction[] = ["cancel", "refund", "complete"];

/** Button label of each action (also the accessible name browser tests use). */
export const ACTION_LABELS: Readonly<Record<OrderAction, string>> = {
  cancel: "Cancel order",
  refund: "Refund",
  complete: "Mark completed",
};

/** True for a known action name. */
export function isOrderAction(s: string): s is OrderAction {
  return s === "cancel" || s === "refund" || s === "complete";
}

/** The staff actions open on `order` now: those of its `allowedActions` (as orders says) staff take. */
export function legalActions(order: { allowedActions: readonly string[] }): OrderAction[] {
  return STAFF_ACTIONS.filter((a) => order.allowedActions.includes(a));
}

/** A kitchen ticket on the board. */
export interface TicketView {
  /** The order. */
  orderId: string;
  /** The order's short number (`#1042`), 0 for none. */
  number: number;
  /** Who the order is for ("" when not given). */
  name: string;
  /** The customer's note for the kitchen, "" for none. */
  note: string;
  /** Requested pickup time (ISO 8601), null for as soon as possible. */
  pickupAt: string | null;
  /** `queued`, `preparing` or `ready`. */
  status: string;
  /** Lines as "2 × Margherita". */
  lines: string[];
  /** ISO 8601 times. */
  paidAt: string | null;
  /** ISO 8601. */
  startedAt: string | null;
  /** ISO 8601. */
  readyAt: string | null;
  /** The station of each of `lines` ("" for none). */
  lineStations: string[];
  /** Each station's part of the ticket. */
  stations: StationPartView[];
  /** Who started it and who bumped it ("" for the kitchen itself). */
  startedBy: string;
  readyBy: string;
  /** Until when the ticket's last start or bump can be undone (ISO 8601), null when it cannot. */
  undoUntil: string | null;
  /** Until when the bumped ticket can be recalled (ISO 8601), null when it cannot. */
  recallUntil: string | null;
  /** True once the order was handed over. */
  handedOver: boolean;
}

/** One station's part of a ticket. */
export interface StationPartView {
  /** The station ("" for a ticket whose lines have none). */
  station: string;
  /** `queued`, `preparing` or `ready`. */
  status: string;
  /** ISO 8601 times. */
  startedAt: string | null;
  readyAt: string | null;
  /** Until when this part's last start or bump can be undone, null when it cannot. */
  undoUntil: string | null;
  /** Until when this bumped part can be recalled, null when it cannot. */
  recallUntil: string | null;
}

/** A station's average prep time today. */
export interface StationStatsView {
  station: string;
  /** Parts bumped today. */
  count: number;
  /** Their average started -> ready time in milliseconds. */
  averagePrepMs: number;
}

/** Board columns in order. */
export const TICKET_COLUMNS = ["queued", "preparing", "ready"] as const;

/** Units available at or below which an item counts as low. */
export const LOW_STOCK = 5;

/** Longest payload preview in characters. */
export const PREVIEW_CHARS = 400;

/** The first {@linkcode PREVIEW_CHARS} characters of a payload, with whether it was cut. */
export function payloadPreview(payload: string): { text: string; truncated: boolean } {
  const chars = [...payload];
  if (chars.length <= PREVIEW_CHARS) return { text: payload, truncated: false };
  return { text: chars.slice(0, PREVIEW_CHARS).join(""), truncated: true };
}

/** How old a ticket is against the kitchen's thresholds. */
export type TicketAge = "fresh" | "warn" | "late";

/** Minutes after payment at which a ticket turns "warn" and "late". */
export interface KitchenThresholds {
  /** A ticket paid this many minutes ago (or more) is "warn". */
  warnMinutes: number;
  /** A ticket paid this many minutes ago (or more) is "late"; above `warnMinutes`. */
  lateMinutes: number;
}

/** The text shown next to each age's colour (the state is never told by colour alone). */
export const AGE_LABELS: Readonly<Record<TicketAge, string>> = {
  fresh: "On time",
  warn: "Waiting long",
  late: "Late",
};

/**
 * How long `ticket` has been going at `now` (epoch milliseconds), in milliseconds: from payment to
 * `now`, or to the moment it was ready once it is. Null without a payment time; never negative.
 */
export function ticketElapsedMs(
  ticket: Pick<TicketView, "paidAt" | "readyAt" | "status">,
  now: number,
): number | null {
  const paid = ticket.paidAt ? Date.parse(ticket.paidAt) : NaN;
  if (Number.isNaN(paid)) return null;
  const ready = ticket.status === "ready" && ticket.readyAt ? Date.parse(ticket.readyAt) : NaN;
  const end = Number.isNaN(ready) ? now : ready;
  return Math.max(0, end - paid);
}

/** The age state of `elapsedMs`: "late" from `lateMinutes` on, "warn" from `warnMinutes` on, else "fresh". */
export function ageState(elapsedMs: number | null, thresholds: KitchenThresholds): TicketAge {
  if (elapsedMs === null) return "fresh";
  if (elapsedMs >= thresholds.lateMinutes * 60_000) return "late";
  if (elapsedMs >= thresholds.warnMinutes * 60_000) return "warn";
  return "fresh";
}

/** `elapsedMs` as a clock: `m:ss` under an hour, else `h:mm:ss` ("–" for null). */
export function formatElapsed(elapsedMs: number | null): string {
  if (elapsedMs === null) return "–";
  const total = Math.floor(Math.max(0, elapsedMs) / 1000);
  const s = String(total % 60).padStart(2, "0");
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
