/**
 * Orders' event adapter: payments and kitchen facts, each handed to one use case in
 * {@linkcode OrdersApp} inside the consumer's transaction (`consumerTx(ctx)`: the order update and any
 * event join `ctx.op`, which the consumer commits with the inbox mark, then acks). A repeated or late
 * event changes nothing. An event about an order we do not know, or one that cannot apply to the
 * order's status, is parked at once ({@linkcode MalformedEventError}); a `kitchen.ticket_ready` that
 * overtook `kitchen.ticket_started` is retried later ({@linkcode EventTooEarlyError}).
 *
 * Paid after cancel: a payment can succeed for an order already cancelled (the customer paid in a
 * checkout that was still open, e.g. at Stripe, while the order was cancelled or expired). Payments
 * refunds such a payment itself, because it also hears `order.cancelled`, and then announces
 * `payment.refunded`. Orders only records both facts as timeline notes on the cancelled order; the
 * status stays cancelled and nothing is parked (see `domain/lifecycle.ts`).
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import { type EventPayload, MalformedEventError, type RoutingKey } from "../common/events.ts";
import { consumerTx, type Tx } from "../common/unit_of_work.ts";
import { withReadAhead } from "../common/bus/read_ahead.ts";
import type { EventHandler, EventHandlers, HandlerContext } from "../common/bus/types.ts";
import type { EventMeta, OrdersApp } from "./app.ts";
import { orderEntryKeys } from "./store.ts";

export { EventTooEarlyError } from "./app.ts";

/** The routing keys whose payload names an order. */
type AboutAnOrder = {
  [K in RoutingKey]: EventPayload<K> extends { orderId: string } ? K : never;
}[RoutingKey];

type UseCase<K extends AboutAnOrder> = (tx: Tx, e: EventPayload<K>, meta: EventMeta) => Promise<void>;

/**
 * Adapts use case `run` to a handler: consumer transaction in, domain errors out as parking. Each use
 * case reads its event's order first, so the consumer reads those of a batch together (read-ahead).
 */
function follow<K extends AboutAnOrder>(run: UseCase<K>): EventHandler<K> {
  return withReadAhead<K>(async (e, ctx: HandlerContext) => {
    const meta: EventMeta = {
      routingKey: ctx.routingKey,
      messageId: ctx.messageId,
      traceparent: ctx.traceparent,
    };
    try {
      await run(consumerTx(ctx), e, meta);
    } catch (err) {
      if (err instanceof DomainError && err.code === "not_found") {
        throw new MalformedEventError(`Unknown order "${e.orderId}"`);
      }
      if (err instanceof DomainError) {
        throw new MalformedEventError(`${ctx.routingKey} cannot apply: ${err.message}`);
      }
      throw err;
    }
  }, (e) => orderEntryKeys(e.orderId));
}

/** The handlers by routing key, over the use cases. */
export function orderEventHandlers(app: OrdersApp): EventHandlers {
  return {
    "payment.link_created": follow((tx, e, m) => app.paymentLinkCreated(tx, e, m)),
    "payment.succeeded": follow((tx, e, m) => app.paymentSucceeded(tx, e, m)),
    "payment.failed": follow((tx, e, m) => app.paymentFailed(tx, e, m)),
    "payment.expired": follow((tx, e, m) => app.paymentExpired(tx, e, m)),
    "payment.refunded": follow((tx, e, m) => app.paymentRefunded(tx, e, m)),
    "kitchen.ticket_started": follow((tx, e, m) => app.ticketStarted(tx, e, m)),
    "kitchen.ticket_ready": follow((tx, e, m) => app.ticketReady(tx, e, m)),
    "kitchen.ticket_reopened": follow((tx, e, m) => app.ticketReopened(tx, e, m)),
  };
}
