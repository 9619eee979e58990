/**
 * Kitchen tickets and their rules: one ticket per paid order, `queued -> preparing -> ready`, and when
 * the auto-prep timer should move a ticket along.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { DomainEvent } from "../../common/domain_event.ts";
import type { LineItem, OrderDetails } from "../../common/gen/oms/types/v1/types.ts";

/** Where a ticket is. */
export type TicketState = "queued" | "preparing" | "ready";

/** What staff (or the auto-prep timer) can do to a ticket. */
export type TicketAction = "start" | "complete";

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
  /** When preparation started. */
  startedAtMs?: number;
  /** When it became ready. */
  readyAtMs?: number;
  /** The trace context of the `order.paid` message that opened it. */
  traceparent?: string;
  /** The order's short number ("#1042"); absent for orders without one. */
  orderNumber?: number;
  /** Name, note and pickup time from checkout (phone and email never reach the kitchen). */
  details?: OrderDetails;
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

/** Opens a queued ticket for a paid order. */
export function openTicket(input: OpenTicketInput, now: Date): KitchenTicket {
  return {
    orderId: input.orderId,
    items: input.items,
    status: "queued",
    paidAtMs: input.paidAtMs,
    queuedAtMs: now.getTime(),
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    ...(input.orderNumber ? { orderNumber: input.orderNumber } : {}),
    ...(input.details ? { details: { ...input.details, phone: "", email: "" } } : {}),
  };
}

const FROM: Record<TicketAction, TicketState> = { start: "queued", complete: "preparing" };

/**
 * Applies `action` at `now`: `start` moves `queued -> preparing`, `complete` moves
 * `preparing -> ready`. Anything else throws an `illegal_transition` {@linkcode DomainError}, e.g.
 * `Ticket for order o-1 is ready, cannot start`.
 */
export function applyAction(ticket: KitchenTicket, action: TicketAction, now: Date): KitchenTicket {
  if (ticket.status !== FROM[action]) {
    throw new DomainError(
      "illegal_transition",
      `Ticket for order ${ticket.orderId} is ${ticket.status}, cannot ${action}`,
      { field: "order_id" },
    );
  }
  return action === "start"
    ? { ...ticket, status: "preparing", startedAtMs: now.getTime() }
    : { ...ticket, status: "ready", readyAtMs: now.getTime() };
}

/** A ticket's next state and the event that announces it. */
export interface TicketDecision {
  ticket: KitchenTicket;
  events: DomainEvent<"kitchen.ticket_started" | "kitchen.ticket_ready">[];
}

/**
 * Applies `action` at `now` ({@linkcode applyAction}) and names the event the move implies:
 * `kitchen.ticket_started` for `start`, `kitchen.ticket_ready` for `complete`.
 */
export function advance(ticket: KitchenTicket, action: TicketAction, now: Date): TicketDecision {
  const next = applyAction(ticket, action, now);
  const orderId = next.orderId;
  return {
    ticket: next,
    events: [
      action === "start"
        ? { key: "kitchen.ticket_started", payload: { orderId, startedAt: now } }
        : { key: "kitchen.ticket_ready", payload: { orderId, readyAt: now } },
    ],
  };
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
