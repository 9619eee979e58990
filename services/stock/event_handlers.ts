/**
 * Stock's event handlers: a created order confirms its reservation (so the sweeper leaves it alone), a
 * paid order sells it, a cancelled order releases it. Each happens once; a duplicate or late event
 * changes nothing.
 *
 * An `order.created` that finds its reservation already released by the sweeper (no order confirmed it
 * within `STOCK_RESERVATION_TTL_MS`) does not resurrect it: the units may already be held by other
 * orders. Stock logs an error and acknowledges; the order goes on without stock held for it (when it is
 * paid, `order.paid` finds nothing to sell and logs again). The TTL (default 2 minutes) is chosen so
 * that this needs an outage: orders publishes `order.created` right after the commit that stores the
 * order, which is itself right after the reservation, so a healthy system confirms within milliseconds;
 * only a broker outage longer than the TTL delays it that much. See `sweeper.ts`.
 *
 * @module
 */
import type { EventHandlers } from "../common/bus/types.ts";
import type { Logger } from "../common/log.ts";
import { type ConfirmOutcome, confirmReservation, getReservation, settleReservation } from "./store.ts";

/** The handlers stock consumes, by routing key. */
export function stockEventHandlers(log: Logger): EventHandlers {
  return {
    "order.created": async (event, ctx) => {
      const outcome = await confirmReservation(ctx, event.orderId);
      const fields = { orderId: event.orderId, messageId: ctx.messageId, outcome };
      if (outcome === "expired") {
        log.error(
          "order created after its reservation expired and was released: its stock is not held",
          fields,
        );
      } else if (outcome === "no_reservation") {
        log.warn("order created without a reservation, ignored", fields);
      } else {
        log.info(confirmMessage(outcome), fields);
      }
    },
    "order.paid": async (event, ctx) => {
      const outcome = await settleReservation(ctx, event.orderId, "sold");
      const fields = { orderId: event.orderId, messageId: ctx.messageId };
      if (outcome === "not_reserved" && await expiredBeforePaid(ctx.kv, event.orderId)) {
        log.error("order paid after its reservation expired and was released: nothing sold", fields);
        return;
      }
      log.info(outcomeMessage(outcome, "sold"), fields);
    },
    "order.cancelled": async (event, ctx) => {
      const outcome = await settleReservation(ctx, event.orderId, "released");
      log.info(outcomeMessage(outcome, "released"), { orderId: event.orderId, messageId: ctx.messageId });
    },
  };
}

async function expiredBeforePaid(kv: Deno.Kv, orderId: string): Promise<boolean> {
  const r = await getReservation(kv, orderId).catch(() => undefined);
  return r?.releasedBecause === "expired";
}

function confirmMessage(outcome: Exclude<ConfirmOutcome, "expired" | "no_reservation">): string {
  switch (outcome) {
    case "confirmed":
      return "reservation confirmed by its order";
    case "already_confirmed":
      return "reservation already confirmed, ignored";
    case "settled":
      return "reservation already settled, nothing to confirm";
  }
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
