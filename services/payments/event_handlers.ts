/**
 * Payments' event adapter: `order.created` makes sure the order has its checkout link (the same
 * idempotent path as `CreatePaymentLink`), `order.cancelled` expires an open checkout, or refunds a
 * payment that succeeded anyway, and remembers the order is cancelled. Each is one use case in
 * {@linkcode PaymentsApp} inside the consumer's transaction (`consumerTx(ctx)`); an order that cannot
 * be paid (a rule the event breaks) is parked at once ({@linkcode MalformedEventError}).
 *
 * @module
 */
import type { EventHandlers } from "../common/bus/types.ts";
import { DomainError } from "../common/domain_error.ts";
import { MalformedEventError } from "../common/events.ts";
import { consumerTx } from "../common/unit_of_work.ts";
import type { PaymentsApp } from "./app.ts";

/** The handlers of the payments queue, over the use cases. */
export function paymentsEventHandlers(app: PaymentsApp): EventHandlers {
  return {
    "order.created": async (event, ctx) => {
      try {
        await app.orderCreated(consumerTx(ctx), { ...event, placedAt: event.createdAt }, ctx.traceparent);
      } catch (err) {
        if (err instanceof DomainError && err.code === "invalid_argument") {
          throw new MalformedEventError(`order.created of "${event.orderId}" cannot be paid: ${err.message}`);
        }
        throw err;
      }
    },
    "order.cancelled": async (event, ctx) => {
      await app.orderCancelled(consumerTx(ctx), event, ctx);
    },
  };
}
