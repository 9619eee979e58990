/**
 * Stock's event handlers: a paid order sells its reservation, a cancelled order releases it. Each
 * happens once; a duplicate or late event changes nothing. Stock does not listen to `order.created`
 * (it did before; `topology.ts` unbinds it): a reservation still open one TTL after it was made is
 * asked about by the sweeper, which confirms it when orders has the order (see `sweeper.ts`).
 *
 * A late `order.paid` is harmless: the sweeper releases a reservation only when orders says its order
 * is cancelled or does not exist. A checkout retried under the same order id renews the reservation's
 * hold (`renewHold`), so a sweep that asked orders just before the retry does not release it. The one
 * case left is an `order.paid` that finds its reservation released because orders, asked at least one
 * TTL after the reservation was made or last asked for, did not have the order (orders stored it later
 * than that): nothing is sold, and stock logs an error.
 *
 * @module
 */
import type { EventHandlers } from "../common/bus/types.ts";
import { consumerTx } from "../common/unit_of_work.ts";
import type { Logger } from "../common/log.ts";
import { isOrphanRelease } from "./domain/reservation.ts";
import { settleReservation } from "./app.ts";
import { getReservation } from "./store.ts";

/** The handlers stock consumes, by routing key. */
export function stockEventHandlers(log: Logger): EventHandlers {
  return {
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
