/**
 * Kitchen tickets and their stations: one ticket per paid order, split into one part per kitchen
 * station of its lines (snapshotted by stock at reservation). Each part goes `queued -> preparing ->
 * ready`; the ticket's status follows its parts (all queued: queued; all ready: ready; else
 * preparing). A refunded order's ticket is `cancelled`.
 *
 * The moves themselves (start, complete, undo, recall, cancel, hand-over) are in `moves.ts`.
 *
 * @module
 */
import type { LineItem, OrderDetails } from "../../common/gen/oms/types/v1/types.ts";

/** Where a station's part of a ticket is. */
export type PartState = "queued" | "preparing" | "ready";

/** Where a ticket is. */
export type TicketState = PartState | "cancelled";

/** What staff (or the auto-prep timer) can do to a ticket to move it forward. */
export type TicketAction = "start" | "complete";

/** One station's part of a ticket. Times are epoch milliseconds. */
export interface StationPart {
  /** The station ("" for a ticket whose lines have none). */
  station: string;
  status: PartState;
  startedAtMs?: number;
  readyAtMs?: number;
}

/** The last forward move of a ticket (what a whole-ticket undo takes back). */
export interface LastMove {
  action: TicketAction;
  /** The stations it moved. */
  stations: string[];
  atMs: number;
}

/** A ticket as stored. Times are epoch milliseconds. */
export interface KitchenTicket {
  /** The paid order (one ticket per order). */
  orderId: string;
  /** The order's lines, as paid. */
  items: LineItem[];
  /** The current state. */
  status: TicketState;
  /** When the order was paid (queue order). */
  paidAtMs: number;
  /** When the ticket was opened (auto-prep measures the queued time from here). */
  queuedAtMs: number;
  /** When preparation started (its first station started). */
  startedAtMs?: number;
  /** When it became ready (its last station was bumped). */
  readyAtMs?: number;
  /** The trace context of the `order.paid` message that opened it. */
  traceparent?: string;
  /** The order's short number ("#1042"); absent for orders without one. */
  orderNumber?: number;
  /** Name, note and pickup time from checkout (phone and email never reach the kitchen). */
  details?: OrderDetails;
  /** Each station's part; absent on tickets stored before stations (see {@linkcode partsOf}). */
  stations?: StationPart[];
  /** The staff member who started it ("" or absent: the kitchen itself). */
  startedBy?: string;
  /** The staff member who bumped it to ready. */
  readyBy?: string;
  /** The last forward move, until it is undone or recalled. */
  lastMove?: LastMove;
  /** When the order was handed over (`order.completed`): no undo or recall after that. */
  handedOverAtMs?: number;
  /** When the ticket was cancelled (`order.refunded`). */
  cancelledAtMs?: number;
}

/** What opens a ticket: the paid order's lines, number and details. */
export interface OpenTicketInput {
  orderId: string;
  items: LineItem[];
  paidAtMs: number;
  traceparent?: string;
  /** The order's short number (0 or absent: none). */
  orderNumber?: number;
  /** The order's details; any phone or email in them is dropped. */
  details?: OrderDetails;
}

/** The longest station name kept; longer ones (never from our stock) are cut. */
export const MAX_STATION = 64;

/** A line's station, trimmed and bounded ("" for none). */
export function lineStation(line: Pick<LineItem, "station">): string {
  return (line.station ?? "").trim().slice(0, MAX_STATION);
}

/**
 * The stations of `items` in first-line order. Lines without a station belong to no station's part
 * (every station screen shows them); a ticket none of whose lines has one gets a single part "".
 */
export function stationsOf(items: readonly LineItem[]): string[] {
  const seen: string[] = [];
  for (const line of items) {
    const s = lineStation(line);
    if (s !== "" && !seen.includes(s)) seen.push(s);
  }
  return seen.length > 0 ? seen : [""];
}

/** Opens a queued ticket for a paid order, one queued part per station of its lines. */
export function openTicket(input: OpenTicketInput, now: Date): KitchenTicket {
  return {
    orderId: input.orderId,
    items: input.items,
    status: "queued",
    paidAtMs: input.paidAtMs,
    queuedAtMs: now.getTime(),
    stations: stationsOf(input.items).map((station) => ({ station, status: "queued" })),
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    ...(input.orderNumber ? { orderNumber: input.orderNumber } : {}),
    ...(input.details ? { details: { ...input.details, phone: "", email: "" } } : {}),
  };
}

/**
 * The parts of `ticket`: as stored, or for a ticket stored before stations one part "" in the
 * ticket's own state (a cancelled ticket's parts keep the state they had).
 */
export function partsOf(ticket: KitchenTicket): StationPart[] {
  if (ticket.stations) return ticket.stations;
  const status: PartState = ticket.status === "cancelled"
    ? (ticket.readyAtMs ? "ready" : ticket.startedAtMs ? "preparing" : "queued")
    : ticket.status;
  return [{
    station: "",
    status,
    ...(ticket.startedAtMs !== undefined ? { startedAtMs: ticket.startedAtMs } : {}),
    ...(ticket.readyAtMs !== undefined ? { readyAtMs: ticket.readyAtMs } : {}),
  }];
}

/** The state parts put a ticket in: all queued -> queued, all ready -> ready, else preparing. */
export function statusOfParts(parts: readonly StationPart[]): PartState {
  if (parts.every((p) => p.status === "queued")) return "queued";
  if (parts.every((p) => p.status === "ready")) return "ready";
  return "preparing";
}

/**
 * The action the auto-prep timer owes `ticket` at `now`: `start` once it has been queued for
 * `prepMs`, `complete` once it has been preparing for `prepMs`, else nothing.
 */
export function dueAction(ticket: KitchenTicket, now: Date, prepMs: number): TicketAction | undefined {
  const t = now.getTime();
  if (ticket.status === "queued" && t - ticket.queuedAtMs >= prepMs) return "start";
  if (ticket.status === "preparing" && t - (ticket.startedAtMs ?? 0) >= prepMs) return "complete";
  return undefined;
}
