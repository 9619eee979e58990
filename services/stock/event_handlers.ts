/**
 * Stock's event handlers: a paid order sells its reservation, a cancelled order releases it. Each
 * happens once; a duplicate or late event changes nothing.
 *
 * @module
 */
import type { EventHandlers } from "../common/bus/types.ts";
import type { Logger } from "../common/log.ts";
import { settleReservation } from "./store.ts";

/** The handlers stock consumes, by routing key. */
export function stockEventHandlers(log: Logger): EventHandlers {
  return {
    "order.paid": async (event, ctx) => {
      const outcome = await settleReservation(ctx, event.orderId, "sold");
      log.info(outcomeMessage(outcome, "sold"), { orderId: event.orderId, messageId: ctx.messageId });
    },
    "order.cancelled": async (event, ctx) => {
      const outcome = await settleReservation(ctx, event.orderId, "released");
      log.info(outcomeMessage(outcome, "released"), { orderId: event.orderId, messageId: ctx.messageId });
    },
  };
}

function outcomeMessage(outcome: Awaited<ReturnType<typeof settleReservation>>, to: string): string {
  switch (outcome) {
    case "settled":
      return `reservation ${to}`;
    case "no_reservation":
      return `no reservation to mark ${to}, ignored`;
    case "not_reserved":
      return `reservation already settled, not marked ${to} again`;
  }
}
