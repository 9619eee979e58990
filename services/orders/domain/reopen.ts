/**
 * The kitchen undid a start or a bump (`kitchen.ticket_reopened`): the one backward move orders makes.
 * `ready -> preparing` (a bump undone or a ticket recalled) or `preparing -> paid` (a start undone),
 * with a timeline entry naming the staff member. Kept apart from `transition.ts`, whose edges only go
 * forward: these two are legal only as the kitchen's reopening, never as a command.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { Decision } from "./lifecycle.ts";
import type { Order, OrderStatus, TimelineEntry } from "./order.ts";
import { describeStatus, type TransitionCause } from "./transition.ts";

/** Where a reopened ticket went, as `TicketReopened.status` says. */
export type ReopenedTo = "queued" | "preparing";

/** The order status each reopened ticket status means, and the status it comes back from. */
const BACK: Readonly<Record<ReopenedTo, { from: OrderStatus; to: OrderStatus }>> = {
  preparing: { from: "ready", to: "preparing" },
  queued: { from: "preparing", to: "paid" },
};

/** Why {@linkcode reopenOrder} cannot apply yet: the forward move it undoes has not reached the order. */
export class ReopenTooEarly extends Error {
  /** Creates the error naming the order and what it waits for. */
  constructor(message: string) {
    super(message);
    this.name = "ReopenTooEarly";
  }
}

/**
 * Moves `order` back as the kitchen's ticket went back to `to` (`preparing`: ready -> preparing;
 * `queued`: preparing -> paid), recording `actor` (the staff member, "" for none) on the new timeline
 * entry. Already there: ignored (a repeated event). Not yet at the status it comes back from but
 * before it (`paid` or `preparing`): {@linkcode ReopenTooEarly} (the forward event is still on its way).
 * An order that moved on (completed, refunded, cancelled): `illegal_transition`.
 */
export function reopenOrder(order: Order, to: ReopenedTo, by: TransitionCause, actor: string): Decision {
  const back = BACK[to];
  if (order.status === back.to) return { ignored: `Order ${order.id} is already ${describeStatus(back.to)}` };
  if (order.status !== back.from) {
    if (order.status === "paid" || order.status === "preparing" || order.status === "ready") {
      throw new ReopenTooEarly(
        `Order ${order.id} is ${
          describeStatus(order.status)
        }; kitchen.ticket_reopened (${to}) waits for it to be ${back.from}`,
      );
    }
    throw new DomainError(
      "illegal_transition",
      `Order ${order.id} is ${describeStatus(order.status)}; the kitchen can no longer reopen it`,
    );
  }
  const entry: TimelineEntry = {
    status: back.to,
    at: by.at,
    cause: by.cause,
    traceId: by.traceId,
    ...(actor ? { actor } : {}),
  };
  return {
    order: { ...order, status: back.to, updatedAt: by.at, timeline: [...order.timeline, entry] },
    events: [],
  };
}
