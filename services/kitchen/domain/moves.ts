/**
 * The moves of a kitchen ticket, of the whole ticket or of one station's part: start and complete
 * (bump) forward, undo (the last start or bump, within the undo window) and recall (a bumped ticket
 * back to preparing, within the recall window, until the order is handed over) backward. Each returns
 * the new ticket, the events its status change implies (`kitchen.ticket_started`, `ticket_ready`,
 * `ticket_reopened`, each naming who) and the prep-time samples it adds or takes back (for the
 * per-station averages). Pure: no I/O, no clock. A broken rule throws a {@linkcode DomainError}:
 * `illegal_transition`, `window_expired` (undo or recall too late) or `not_found` (no such station).
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { DomainEvent } from "../../common/domain_event.ts";
import {
  type KitchenTicket,
  type LastMove,
  partsOf,
  type PartState,
  type StationPart,
  statusOfParts,
  type TicketAction,
} from "./ticket.ts";

/** A prep time added (`sign` 1, a part bumped) or taken back (`sign` -1, a bump undone or recalled). */
export interface PrepSample {
  station: string;
  /** When the part was bumped (which day's sums it belongs to). */
  readyAtMs: number;
  /** Started -> ready, in milliseconds. */
  prepMs: number;
  sign: 1 | -1;
}

/** The kitchen's events. */
export type TicketEvent = DomainEvent<
  "kitchen.ticket_started" | "kitchen.ticket_ready" | "kitchen.ticket_reopened"
>;

/** A move's outcome: the ticket after it, its events and its prep-time samples. */
export interface TicketDecision {
  ticket: KitchenTicket;
  events: TicketEvent[];
  samples: PrepSample[];
}

/** Who moves which part of a ticket. */
export interface MoveBy {
  /** One station's part; "" or absent: the whole ticket. */
  station?: string;
  /** The staff member ("" or absent: the kitchen itself, e.g. auto-prep). */
  by?: string;
}

function illegal(ticket: KitchenTicket, what: string): DomainError {
  return new DomainError("illegal_transition", `Ticket for order ${ticket.orderId} ${what}`, {
    field: "order_id",
  });
}

function usable(ticket: KitchenTicket, verb: string): void {
  if (ticket.status === "cancelled") throw illegal(ticket, `is cancelled (order refunded), cannot ${verb}`);
}

function partOf(ticket: KitchenTicket, parts: StationPart[], station: string): number {
  const i = parts.findIndex((p) => p.station === station);
  if (i < 0) {
    throw new DomainError(
      "not_found",
      `Ticket for order ${ticket.orderId} has nothing for station "${station}"`,
      {
        field: "station",
      },
    );
  }
  return i;
}

function withPart(part: StationPart, status: PartState, changes: Partial<StationPart> = {}): StationPart {
  const next: StationPart = { ...part, ...changes, status };
  if (status === "queued") delete next.startedAtMs;
  if (status !== "ready") delete next.readyAtMs;
  return next;
}

/** The samples `before -> after` implies: a part that became ready adds one, one that left ready takes its own back. */
function samplesOf(before: StationPart[], after: StationPart[]): PrepSample[] {
  const out: PrepSample[] = [];
  after.forEach((p, i) => {
    const b = before[i]!;
    if (b.status !== "ready" && p.status === "ready" && p.readyAtMs !== undefined) {
      out.push({
        station: p.station,
        readyAtMs: p.readyAtMs,
        prepMs: p.readyAtMs - (p.startedAtMs ?? p.readyAtMs),
        sign: 1,
      });
    }
    if (b.status === "ready" && p.status !== "ready" && b.readyAtMs !== undefined) {
      out.push({
        station: b.station,
        readyAtMs: b.readyAtMs,
        prepMs: b.readyAtMs - (b.startedAtMs ?? b.readyAtMs),
        sign: -1,
      });
    }
  });
  return out;
}

/**
 * The ticket with `parts`, its status and ticket-level times following them, and the events of the
 * status change: queued -> preparing `ticket_started`, -> ready `ticket_ready`, ready -> preparing
 * and preparing -> queued `ticket_reopened`.
 */
function settle(
  before: KitchenTicket,
  parts: StationPart[],
  at: Date,
  by: string,
  lastMove: LastMove | undefined,
): TicketDecision {
  const from = before.status as PartState;
  const to = statusOfParts(parts);
  const t = at.getTime();
  const next: KitchenTicket = { ...before, stations: parts, status: to };
  if (lastMove) next.lastMove = lastMove;
  else delete next.lastMove;
  const orderId = before.orderId;
  const events: TicketEvent[] = [];
  if (from === "queued" && to !== "queued") {
    next.startedAtMs = t;
    if (by) next.startedBy = by;
    else delete next.startedBy;
    events.push({
      key: "kitchen.ticket_started",
      payload: { orderId, startedAt: at, ...(by ? { by } : {}) },
    });
  }
  if (from !== "ready" && to === "ready") {
    next.readyAtMs = t;
    if (by) next.readyBy = by;
    else delete next.readyBy;
    events.push({ key: "kitchen.ticket_ready", payload: { orderId, readyAt: at, ...(by ? { by } : {}) } });
  }
  if (from === "ready" && to !== "ready") {
    delete next.readyAtMs;
    delete next.readyBy;
    events.push({
      key: "kitchen.ticket_reopened",
      payload: { orderId, reopenedAt: at, status: "preparing", by },
    });
  }
  if (from !== "queued" && to === "queued") {
    delete next.startedAtMs;
    delete next.startedBy;
    events.push({
      key: "kitchen.ticket_reopened",
      payload: { orderId, reopenedAt: at, status: "queued", by },
    });
  }
  return { ticket: next, events, samples: samplesOf(partsOf(before), parts) };
}

const FROM: Record<TicketAction, PartState> = { start: "queued", complete: "preparing" };

/**
 * Moves the whole ticket (`start`: queued -> preparing, every part; `complete`: preparing -> ready,
 * every part not ready yet) or one station's part (`start`: its part queued -> preparing;
 * `complete`: preparing -> ready) at `at`. Throws `illegal_transition` from any other state, e.g.
 * `Ticket for order o-1 is ready, cannot start`.
 */
export function advance(
  ticket: KitchenTicket,
  action: TicketAction,
  at: Date,
  move: MoveBy = {},
): TicketDecision {
  usable(ticket, action);
  const t = at.getTime();
  const before = partsOf(ticket);
  let parts: StationPart[];
  let moved: string[];
  if (move.station) {
    const i = partOf(ticket, before, move.station);
    const part = before[i]!;
    if (part.status !== FROM[action]) {
      throw illegal(ticket, `at ${part.station} is ${part.status}, cannot ${action}`);
    }
    parts = before.map((p, j) =>
      j !== i
        ? p
        : action === "start"
        ? withPart(p, "preparing", { startedAtMs: t })
        : withPart(p, "ready", { readyAtMs: t })
    );
    moved = [part.station];
  } else {
    if (ticket.status !== FROM[action]) throw illegal(ticket, `is ${ticket.status}, cannot ${action}`);
    moved = before.filter((p) => p.status !== "ready" && (action === "complete" || p.status === "queued"))
      .map((p) => p.station);
    parts = before.map((p) =>
      !moved.includes(p.station)
        ? p
        : action === "start"
        ? withPart(p, "preparing", { startedAtMs: t })
        : withPart(p, "ready", { startedAtMs: p.startedAtMs ?? ticket.startedAtMs ?? t, readyAtMs: t })
    );
  }
  return settle(ticket, parts, at, move.by ?? "", { action, stations: moved, atMs: t });
}

/**
 * Takes back the last start or bump within `undoMs` of it: of the whole ticket (the last forward
 * move, whichever parts it moved) or of one station's part (its own last step). Ready parts go back
 * to preparing, preparing ones to queued. Throws `window_expired` after the window, and
 * `illegal_transition` when there is nothing to undo or the order was handed over.
 */
export function undo(ticket: KitchenTicket, at: Date, undoMs: number, move: MoveBy = {}): TicketDecision {
  usable(ticket, "undo");
  if (ticket.handedOverAtMs !== undefined) throw illegal(ticket, "was handed over, nothing to undo");
  const t = at.getTime();
  const before = partsOf(ticket);
  const expired = (sinceMs: number, what: string) =>
    new DomainError(
      "window_expired",
      `The ${what} of order ${ticket.orderId} was ${Math.round((t - sinceMs) / 1000)} s ago; ` +
        `it can only be undone within ${Math.round(undoMs / 1000)} s`,
      { field: "order_id" },
    );
  if (move.station) {
    const i = partOf(ticket, before, move.station);
    const part = before[i]!;
    if (part.status === "queued") throw illegal(ticket, `at ${part.station} is queued, nothing to undo`);
    const since = (part.status === "ready" ? part.readyAtMs : part.startedAtMs) ?? 0;
    if (t - since > undoMs) throw expired(since, part.status === "ready" ? "bump" : "start");
    const parts = before.map((p, j) =>
      j !== i ? p : withPart(p, p.status === "ready" ? "preparing" : "queued")
    );
    const left = ticket.lastMove?.stations.filter((s) => s !== part.station) ?? [];
    const lastMove = ticket.lastMove && left.length > 0 ? { ...ticket.lastMove, stations: left } : undefined;
    return settle(ticket, parts, at, move.by ?? "", lastMove);
  }
  const last = ticket.lastMove;
  if (!last) throw illegal(ticket, `is ${ticket.status}, nothing to undo`);
  if (t - last.atMs > undoMs) throw expired(last.atMs, last.action === "complete" ? "bump" : "start");
  const back: PartState = last.action === "complete" ? "preparing" : "queued";
  const parts = before.map((p) =>
    last.stations.includes(p.station) && p.status === (last.action === "complete" ? "ready" : "preparing")
      ? withPart(p, back)
      : p
  );
  return settle(ticket, parts, at, move.by ?? "", undefined);
}

/**
 * Brings a bumped ticket (or one station's bumped part) back to preparing, within `recallMs` of its
 * bump and while the order has not been handed over. Throws `window_expired` after the window,
 * `illegal_transition` when it is not ready or was handed over.
 */
export function recall(ticket: KitchenTicket, at: Date, recallMs: number, move: MoveBy = {}): TicketDecision {
  usable(ticket, "recall");
  if (ticket.handedOverAtMs !== undefined) throw illegal(ticket, "was handed over, it cannot be recalled");
  const t = at.getTime();
  const before = partsOf(ticket);
  const check = (readyAtMs: number | undefined) => {
    if (readyAtMs !== undefined && t - readyAtMs > recallMs) {
      throw new DomainError(
        "window_expired",
        `Order ${ticket.orderId} was bumped ${Math.round((t - readyAtMs) / 60_000)} min ago; ` +
          `only tickets bumped in the last ${Math.round(recallMs / 60_000)} min can be recalled`,
        { field: "order_id" },
      );
    }
  };
  let parts: StationPart[];
  if (move.station) {
    const i = partOf(ticket, before, move.station);
    const part = before[i]!;
    if (part.status !== "ready") throw illegal(ticket, `at ${part.station} is ${part.status}, cannot recall`);
    check(part.readyAtMs);
    parts = before.map((p, j) => j !== i ? p : withPart(p, "preparing"));
  } else {
    if (ticket.status !== "ready") throw illegal(ticket, `is ${ticket.status}, cannot recall`);
    check(ticket.readyAtMs);
    parts = before.map((p) => withPart(p, "preparing"));
  }
  return settle(ticket, parts, at, move.by ?? "", undefined);
}

/** The refunded order's ticket, cancelled at `at`; null when it already is (a repeated `order.refunded`). */
export function cancelTicket(ticket: KitchenTicket, at: Date): KitchenTicket | null {
  if (ticket.status === "cancelled") return null;
  const next: KitchenTicket = {
    ...ticket,
    stations: partsOf(ticket),
    status: "cancelled",
    cancelledAtMs: at.getTime(),
  };
  delete next.lastMove;
  return next;
}

/** The ticket with its order handed over at `at`; null when already noted or cancelled. */
export function handOver(ticket: KitchenTicket, at: Date): KitchenTicket | null {
  if (ticket.handedOverAtMs !== undefined || ticket.status === "cancelled") return null;
  const next: KitchenTicket = { ...ticket, handedOverAtMs: at.getTime() };
  delete next.lastMove;
  return next;
}
