/**
 * Stock's event handlers: a created order confirms its reservation (so the sweeper does not ask about
 * it), a paid order sells it, a cancelled order releases it. Each happens once; a duplicate or late
 * event changes nothing.
 *
 * A late `order.created` or `order.paid` is harmless: the sweeper releases a reservation only when
 * orders says its order is cancelled or does not exist (see `sweeper.ts`). The one case left is an
 * `order.created` that finds its reservation released because orders, asked at least one TTL after
 * the reservation, did not have the order (orders stored it later than that). That reservation is not
 * resurrected (its units may already be held by other orders): stock logs an error and acknowledges.
 *
 * @module
 */
import type { EventHandlers } from "../common/bus/types.ts";
import { consumerTx } from "../common/unit_of_work.ts";
import type { Logger } from "../common/log.ts";
import { isOrphanRelease } from "./domain/reservation.ts";
import { type ConfirmOutcome, confirmReservation, settleReservation } from "./app.ts";
import { getReservation } from "./store.ts";

/** The handlers stock consumes, by routing key. */
export function stockEventHandlers(log: Logger): EventHandlers {
  return {
    "order.created": async (event, ctx) => {
      const outcome = await confirmReservation(consumerTx(ctx), event.orderId);
      const fields = { orderId: event.orderId, messageId: ctx.messageId, outcome };
      if (outcome === "orphaned") {
        log.error(
          "order created after orders said it did not exist and its reservation was released: its stock is not held",
          fields,
        );
      } else if (outcome === "no_reservation") {
        log.warn("order created without a reservation, ignored", fields);
      } else {
        log[outcome === "confirmed" ? "debug" : "info"](confirmMessage(outcome), fields);
      }
    },
    "order.paid": async (event, ctx) => {
      // the paid order's items are its reservation's: read with it, in one round trip
      const outcome = await settleReservation(
        consumerTx(ctx),
        event.orderId,
        "sold",
        new Date(),
        event.items.map((i) => i.itemId),
      );
      const fields = { orderId: event.orderId, messageId: ctx.messageId };
      if (outcome === "not_reserved" && await releasedAsOrphan(ctx.kv, event.orderId)) {
        log.error("order paid after its reservation was released as orphaned: nothing sold", fields);
        return;
      }
      log[outcome === "settled" ? "debug" : "info"](outcomeMessage(outcome, "sold"), fields);
    },
    "order.cancelled": async (event, ctx) => {
      const outcome = await settleReservation(consumerTx(ctx), event.orderId, "released");
      log[outcome === "settled" ? "debug" : "info"](outcomeMessage(outcome, "released"), {
        orderId: event.orderId,
        messageId: ctx.messageId,
      });
    },
  };
}

async function releasedAsOrphan(kv: Deno.Kv, orderId: string): Promise<boolean> {
  const r = await getReservation(kv, orderId).catch(() => undefined);
  return r !== undefined && isOrphanRelease(r);
}

function confirmMessage(outcome: Exclude<ConfirmOutcome, "orphaned" | "no_reservation">): string {
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
