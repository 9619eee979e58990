/**
 * Kitchen's failure flag, at its event adapter: `kitchenConsumerFailureRate` makes a share of kitchen's
 * deliveries fail with a transient error before they touch the store, so the consumer's retry design
 * handles them (retried with growing delay). It never fails a delivery's last attempt (the consumer
 * says which one is, `HandlerContext.lastAttempt`): a failure then would park the message, and an
 * `order.paid` parked on purpose leaves a paid order without a ticket. So an injected failure is always
 * retried and never parks. With flags off a delivery pays one boolean check.
 *
 * @module
 */
import { flagFired } from "../common/flags/fired.ts";
import { flagFires, flags } from "../common/flags/flags.ts";
import { readAheadKeysOf, withReadAhead } from "../common/bus/read_ahead.ts";
import type { EventHandler, EventHandlers } from "../common/bus/types.ts";
import type { RoutingKey } from "../common/events.ts";

/** The transient error a delivery failed on purpose ends with. */
export class InjectedConsumerFailure extends Error {
  /** Creates the error for message `messageId` (attempt `attempt`). */
  constructor(messageId: string, attempt: number) {
    super(
      `Kitchen failed message ${messageId} (attempt ${attempt}) on purpose (failure flag kitchenConsumerFailureRate)`,
    );
    this.name = "InjectedConsumerFailure";
  }
}

/**
 * `handlers`, each first failing a share of deliveries as `kitchenConsumerFailureRate` says, except on
 * a delivery's last attempt.
 */
export function withKitchenFailureFlags(handlers: EventHandlers): EventHandlers {
  const wrapped: Record<string, EventHandler<RoutingKey>> = {};
  for (const [key, handler] of Object.entries(handlers) as [RoutingKey, EventHandler<RoutingKey>][]) {
    // the handler's read-ahead keys carry over (read_ahead.ts)
    wrapped[key] = withReadAhead(async (event, ctx) => {
      if (flags.enabled && !ctx.lastAttempt && await flagFires("kitchenConsumerFailureRate")) {
        flagFired("kitchenConsumerFailureRate", {
          routingKey: key,
          messageId: ctx.messageId,
          attempt: ctx.attempt,
        });
        throw new InjectedConsumerFailure(ctx.messageId, ctx.attempt);
      }
      return await handler(event, ctx);
    }, (event) => readAheadKeysOf(handler, event));
  }
  return wrapped as EventHandlers;
}
