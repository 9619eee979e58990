/**
 * How an order's state reads to a customer: status labels, the message for each state (cancelled
 * orders say why: declined payment, expired payment, the customer, the shop), and which of the actions
 * the order allows (`allowedActions`, decided by orders) the customer is offered. Shared by pages and
 * islands; no dependencies.
 *
 * @module
 */

/** The parts of an order (API JSON) these helpers read. */
export interface OrderLike {
  /** Lowercase status, e.g. `waiting_payment`. */
  status: string;
  /** History, oldest first. */
  timeline: { status: string; cause: string; at: string | null }[];
  /** Checkout link, "" until made. */
  paymentLink: string;
  /** The actions orders allows now (`cancel`, `pay`, `complete`, `refund`). */
  allowedActions: readonly string[];
}

const LABELS: Record<string, string> = {
  pending: "Pending",
  waiting_payment: "Waiting for payment",
  paid: "Paid",
  preparing: "Preparing",
  ready: "Ready",
  completed: "Completed",
  cancelled: "Cancelled",
  refunded: "Refunded",
};

/** A status for people, e.g. `waiting_payment` -> `Waiting for payment`. */
export function statusLabel(status: string): string {
  return LABELS[status] ?? status.replace(/_/g, " ");
}

/** Statuses after which an order never changes again. */
export const TERMINAL_STATUSES: readonly string[] = ["completed", "cancelled", "refunded"];

/** True when the order will not change any more. */
export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** True when the order allows cancelling now. */
export function canCancel(order: OrderLike): boolean {
  return order.allowedActions.includes("cancel");
}

/** The payment link to offer, or null when the order does not allow paying now (or has no link). */
export function payNowLink(order: OrderLike): string | null {
  return order.allowedActions.includes("pay") && order.paymentLink ? order.paymentLink : null;
}

/** Why a cancelled order was cancelled: `declined`, `expired`, `customer`, `shop` or `other`. */
export function cancelReason(order: OrderLike): "declined" | "expired" | "customer" | "shop" | "other" {
  // the first cancelled entry is the transition; later ones are notes (e.g. a refund after cancel)
  const entry = order.timeline.find((t) => t.status === "cancelled");
  switch (entry?.cause) {
    case "payment.failed":
      return "declined";
    case "payment.expired":
      return "expired";
    case "customer":
      return "customer";
    case "admin":
      return "shop";
    default:
      return "other";
  }
}

/** The sentence that explains the order's state. */
export function statusMessage(order: OrderLike): string {
  switch (order.status) {
    case "pending":
      return "Order received. We are getting your payment link ready.";
    case "waiting_payment":
      return "Waiting for your payment.";
    case "paid":
      return "Payment received. Your order is going to the kitchen.";
    case "preparing":
      return "The kitchen is preparing your order.";
    case "ready":
      return "Your order is ready to collect.";
    case "completed":
      return "Handed over. Enjoy your meal!";
    case "refunded":
      return "This order was refunded.";
    case "cancelled":
      if (order.timeline.some((t) => t.cause.startsWith("payment.refunded after cancel"))) {
        return "This order was cancelled. Your payment arrived afterwards and has been refunded.";
      }
      if (order.timeline.some((t) => t.cause.startsWith("payment.succeeded after cancel"))) {
        return "This order was cancelled. Your payment arrived afterwards and is being refunded.";
      }
      switch (cancelReason(order)) {
        case "declined":
          return "Your payment was declined, so the order was cancelled. Nothing was charged.";
        case "expired":
          return "The payment window expired before payment, so the order was cancelled. Nothing was charged.";
        case "customer":
          return "You cancelled this order. Nothing was charged.";
        case "shop":
          return "The shop cancelled this order.";
        default:
          return "This order was cancelled.";
      }
    default:
      return statusLabel(order.status);
  }
}

/** How a person names an order: `#1042`, or the start of its id for an order without a number. */
export function orderLabel(order: { id: string; number?: number }): string {
  return order.number && order.number > 0 ? `#${order.number}` : order.id.slice(0, 8);
}
