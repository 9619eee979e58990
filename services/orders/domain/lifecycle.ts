/**
 * The order's commands: each takes the order as it is and returns the next state with the events that
 * state implies, or why nothing changes (a repeated or late command). Rules that fail throw a
 * `DomainError` (`illegal_transition`, from {@linkcode transition}). Pure: no I/O, no clock.
 *
 * @module
 */
import type { DomainEvent } from "../../common/domain_event.ts";
import { detailsWithoutContact } from "../../common/order_details.ts";
import { note, PAID_AFTER_CANCEL, REFUNDED_AFTER_CANCEL } from "./note.ts";
import { type NewOrder, newOrder, type Order } from "./order.ts";
import { transition, type TransitionCause, type TransitionResult } from "./transition.ts";

/** An event a command implies, with its routing key. */
export type OrderEvent = DomainEvent;

/** What a command decided: the new order and its events, or why nothing changes. */
export type Decision =
  | { order: Order; events: OrderEvent[]; ignored?: undefined }
  | { order?: undefined; events?: undefined; ignored: string };

function decide(result: TransitionResult, events: (order: Order) => OrderEvent[] = () => []): Decision {
  return result.order ? { order: result.order, events: events(result.order) } : { ignored: result.ignored };
}

/**
 * A new pending order, announced by `order.created`. Events carry the number and the details without
 * the contact (name, note, pickup time): phone and email stay in orders.
 */
export function placeOrder(o: NewOrder): { order: Order; events: OrderEvent[] } {
  const order = newOrder(o);
  return {
    order,
    events: [{
      key: "order.created",
      payload: {
        orderId: order.id,
        customerId: order.customerId,
        items: order.items,
        total: order.total,
        createdAt: order.createdAt,
        number: order.number ?? 0,
        details: detailsWithoutContact(order.details),
      },
    }],
  };
}

/** Payments made a checkout link: pending -> waiting_payment with the link (`url` "" keeps the old one). */
export function attachPaymentLink(order: Order, url: string, by: TransitionCause): Decision {
  return decide(transition(order, "waiting_payment", by, url ? { paymentLink: url } : {}));
}

/**
 * Payments recorded the payment: -> paid, announced by `order.paid`. For an order already cancelled
 * (paid in a checkout still open) the status stays and the timeline notes {@linkcode PAID_AFTER_CANCEL}:
 * payments refunds that payment itself.
 */
export function recordPayment(order: Order, by: TransitionCause, paidAt?: Date): Decision {
  if (order.status === "cancelled") return decide(note(order, { ...by, cause: PAID_AFTER_CANCEL }));
  return decide(transition(order, "paid", by), (o) => [{
    key: "order.paid",
    payload: {
      orderId: o.id,
      customerId: o.customerId,
      items: o.items,
      paidAt: paidAt ?? o.updatedAt,
      number: o.number ?? 0,
      details: detailsWithoutContact(o.details),
    },
  }]);
}

/** Cancels an unpaid order with `reason`, announced by `order.cancelled`. */
export function cancel(order: Order, by: TransitionCause, reason: string): Decision {
  return decide(transition(order, "cancelled", by), (o) => [{
    key: "order.cancelled",
    payload: { orderId: o.id, reason, cancelledAt: o.updatedAt },
  }]);
}

/** The kitchen started the ticket: paid -> preparing. */
export function startPreparing(order: Order, by: TransitionCause): Decision {
  return decide(transition(order, "preparing", by));
}

/** The kitchen finished the ticket: preparing -> ready. */
export function markReady(order: Order, by: TransitionCause): Decision {
  return decide(transition(order, "ready", by));
}

/** Staff handed a ready order over: -> completed, announced by `order.completed`. */
export function complete(order: Order, by: TransitionCause): Decision {
  return decide(transition(order, "completed", by), (o) => [{
    key: "order.completed",
    payload: { orderId: o.id, completedAt: o.updatedAt },
  }]);
}

/** A paid order was refunded: -> refunded, announced by `order.refunded`. */
export function refund(order: Order, by: TransitionCause): Decision {
  return decide(transition(order, "refunded", by), (o) => [{
    key: "order.refunded",
    payload: { orderId: o.id, refundedAt: o.updatedAt },
  }]);
}

/**
 * Payments announced a refund: as {@linkcode refund}, except that for a cancelled order (its late
 * payment refunded) the timeline notes {@linkcode REFUNDED_AFTER_CANCEL} and the status stays.
 */
export function recordRefund(order: Order, by: TransitionCause): Decision {
  if (order.status === "cancelled") return decide(note(order, { ...by, cause: REFUNDED_AFTER_CANCEL }));
  return refund(order, by);
}
