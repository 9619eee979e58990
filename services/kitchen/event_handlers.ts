/**
 * Kitchen's event adapter, each in the consumer's transaction (`consumerTx(ctx)`): a paid order opens
 * one ticket however often `order.paid` arrives ({@linkcode KitchenApp.orderPaid}); a refunded order's
 * ticket is cancelled once ({@linkcode KitchenApp.orderRefunded}); a completed (handed over) order
 * ends its ticket's undo and recall ({@linkcode KitchenApp.orderCompleted}).
 *
 * @module
 */
import { withReadAhead } from "../common/bus/read_ahead.ts";
import type { EventHandlers } from "../common/bus/types.ts";
import type { Logger } from "../common/log.ts";
import { consumerTx } from "../common/unit_of_work.ts";
import type { KitchenApp } from "./app.ts";
import { ticketKey } from "./store.ts";

/**
 * The handlers kitchen consumes, by routing key, over the use cases. `order.paid` first reads the order's
 * ticket (is one open already?), so the consumer reads those of a batch together (`read_ahead.ts`).
 */
export function kitchenEventHandlers(app: KitchenApp, log: Logger): EventHandlers {
  return {
    "order.paid": withReadAhead<"order.paid">(async (event, ctx) => {
      const opened = await app.orderPaid(consumerTx(ctx), event, ctx.traceparent);
      // a routine opening at debug; a second order.paid (another message id) is unusual
      log[opened ? "debug" : "info"](opened ? "ticket opened" : "ticket already open, order.paid ignored", {
        orderId: event.orderId,
        messageId: ctx.messageId,
      });
    }, (event) => [ticketKey(event.orderId)]),
    "order.refunded": async (event, ctx) => {
      const cancelled = await app.orderRefunded(consumerTx(ctx), event);
      log.info(
        cancelled ? "ticket cancelled (order refunded)" : "ticket already cancelled, order.refunded ignored",
        {
          orderId: event.orderId,
          messageId: ctx.messageId,
        },
      );
    },
    "order.completed": async (event, ctx) => {
      const noted = await app.orderCompleted(consumerTx(ctx), event);
      log.debug(noted ? "ticket handed over" : "order.completed ignored", {
        orderId: event.orderId,
        messageId: ctx.messageId,
      });
    },
  };
}
