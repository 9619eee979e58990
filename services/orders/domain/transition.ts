/**
 * The order state machine. Legal edges:
 *
 * ```
 * pending -> waiting_payment -> paid -> preparing -> ready -> completed
 * pending -> paid                    (payment confirmed before the link event arrived)
 * pending | waiting_payment -> cancelled
 * paid | preparing | ready | completed -> refunded   (the whole amount refunded)
 * ```
 *
 * Refunds are allowed after payment in every later status, completed included: the provider (Stripe)
 * refunds a charge after fulfilment too, and a shop refunds a collected order that was wrong or cold.
 *
 * A request for a status the order has already reached or passed (a repeated or late event) is
 * ignored, not an error; any other edge is an {@linkcode DomainError} `illegal_transition`.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { Order, OrderStatus, TimelineEntry } from "./order.ts";

/** The statuses each status may move to. */
export const EDGES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ["waiting_payment", "paid", "cancelled"],
  waiting_payment: ["paid", "cancelled"],
  paid: ["preparing", "refunded"],
  preparing: ["ready", "refunded"],
  ready: ["completed", "refunded"],
  completed: ["refunded"],
  cancelled: [],
  refunded: [],
};

const WHY: Record<OrderStatus, string> = {
  pending: "orders never return to pending",
  waiting_payment: "only pending orders can wait for payment",
  paid: "only pending or unpaid orders can be paid",
  preparing: "only paid orders can be prepared",
  ready: "only orders being prepared can be ready",
  completed: "only ready orders can be completed",
  cancelled: "only pending or unpaid orders can be cancelled",
  refunded: "only paid, preparing, ready or completed orders can be refunded",
};

/** Human wording of a status in messages. */
export function describeStatus(status: OrderStatus): string {
  return status === "waiting_payment" ? "waiting for payment" : status;
}

/** True when the edge `from -> to` is legal. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return EDGES[from].includes(to);
}

/** True when `to` is reachable from `from` by one or more legal edges. */
export function isReachable(from: OrderStatus, to: OrderStatus): boolean {
  const seen = new Set<OrderStatus>();
  const stack: OrderStatus[] = [...EDGES[from]];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (s === to) return true;
    if (seen.has(s)) continue;
    seen.add(s);
    stack.push(...EDGES[s]);
  }
  return false;
}

/** What caused a transition. */
export interface TransitionCause {
  /** e.g. `"payment.succeeded"`, `"customer"`, `"admin"`. */
  cause: string;
  /** When it happened. */
  at: Date;
  /** The trace id of the request or message ("" when unknown). */
  traceId: string;
  /** The staff member who did it (the verified staff claim's name); absent for customers and the system. */
  actor?: string;
}

/** Extra fields to set on the order with the transition. */
export interface TransitionChanges {
  /** A new payment link. */
  paymentLink?: string;
}

/** The result of {@linkcode transition}: the updated order, or why nothing changed. */
export type TransitionResult = { order: Order; ignored?: undefined } | {
  ignored: string;
  order?: undefined;
};

/**
 * Moves `order` to `to`, appending a timeline entry. Returns `{ignored}` when the order already is in
 * `to` or has moved past it (a repeated or late event); throws `illegal_transition` otherwise. The input
 * order is not modified.
 */
export function transition(
  order: Order,
  to: OrderStatus,
  by: TransitionCause,
  changes: TransitionChanges = {},
): TransitionResult {
  const from = order.status;
  if (from === to) return { ignored: `Order ${order.id} is already ${describeStatus(to)}` };
  if (canTransition(from, to)) {
    return {
      order: {
        ...order,
        ...changes,
        status: to,
        updatedAt: by.at,
        timeline: [...order.timeline, entryOf(to, by)],
      },
    };
  }
  if (isReachable(to, from)) {
    return { ignored: `Order ${order.id} is ${describeStatus(from)}, past ${describeStatus(to)}` };
  }
  throw new DomainError("illegal_transition", `Order ${order.id} is ${describeStatus(from)}; ${WHY[to]}`);
}

/** The timeline entry of entering `status` for `by` (with its actor, when a staff member did it). */
export function entryOf(status: OrderStatus, by: TransitionCause): TimelineEntry {
  return {
    status,
    at: by.at,
    cause: by.cause,
    traceId: by.traceId,
    ...(by.actor ? { actor: by.actor } : {}),
  };
}
