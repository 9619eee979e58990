/**
 * The payments event handlers: `order.created` makes sure the order has its checkout link (the same
 * idempotent path as `CreatePaymentLink`), `order.cancelled` expires an open checkout, or refunds a
 * payment that succeeded anyway, and remembers the order is cancelled.
 *
 * @module
 */
import { MalformedEventError } from "../common/events.ts";
import type { EventHandlers } from "../common/bus/types.ts";
import { RpcError } from "../common/errors.ts";
import type { Payments } from "./payments.ts";

/** The handlers of the payments queue. */
export function paymentsEventHandlers(payments: Payments): EventHandlers {
  return {
    "order.created": async (event, ctx) => {
      try {
        await payments.ensurePaymentLinkIn(event, ctx);
      } catch (err) {
        if (err instanceof RpcError && err.code === "invalid_argument") {
          throw new MalformedEventError(`order.created of "${event.orderId}" cannot be paid: ${err.message}`);
        }
        throw err;
      }
    },
    "order.cancelled": async (event, ctx) => {
      await payments.cancelIn(event.orderId, ctx, event.cancelledAt);
    },
  };
}
