/**
 * Timeline notes: facts worth keeping in an order's history that do not change its status, such as a
 * payment that succeeded after the order was cancelled (payments refunds it). A note is a timeline
 * entry with the order's current status; the state machine ({@linkcode import("./transition.ts")}) is
 * untouched.
 *
 * @module
 */
import type { Order } from "./order.ts";
import type { TransitionCause, TransitionResult } from "./transition.ts";

/** The cause noted when a payment succeeds for an order that is already cancelled. */
export const PAID_AFTER_CANCEL = "payment.succeeded after cancel: refunding";

/** The cause noted when that payment has been refunded. */
export const REFUNDED_AFTER_CANCEL = "payment.refunded after cancel";

/**
 * Appends a timeline entry with `by.cause` and the order's current status, leaving the status alone.
 * Returns `{ignored}` when the timeline already holds an entry with that cause (a repeated event). The
 * input order is not modified.
 */
export function note(order: Order, by: TransitionCause): TransitionResult {
  if (order.timeline.some((t) => t.cause === by.cause)) {
    return { ignored: `Order ${order.id} already notes "${by.cause}"` };
  }
  return {
    order: {
      ...order,
      updatedAt: by.at,
      timeline: [...order.timeline, {
        status: order.status,
        at: by.at,
        cause: by.cause,
        traceId: by.traceId,
      }],
    },
  };
}
