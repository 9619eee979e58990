/**
 * Kitchen's event handlers: a paid order opens one ticket, however often `order.paid` arrives.
 *
 * @module
 */
import type { EventHandlers } from "../common/bus/types.ts";
import type { Logger } from "../common/log.ts";
import { addPaidTicket } from "./store.ts";

/** The handlers kitchen consumes, by routing key. */
export function kitchenEventHandlers(log: Logger): EventHandlers {
  return {
    "order.paid": async (event, ctx) => {
      let paidAtMs = event.paidAt?.getTime();
      if (paidAtMs === undefined || Number.isNaN(paidAtMs)) {
        log.warn("order.paid has no paidAt, queueing by arrival time", { orderId: event.orderId });
        paidAtMs = Date.now();
      }
      const opened = await addPaidTicket(ctx, event, paidAtMs);
      log.info(opened ? "ticket opened" : "ticket already open, order.paid ignored", {
        orderId: event.orderId,
        messageId: ctx.messageId,
      });
    },
  };
}
