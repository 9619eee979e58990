/**
 * `WatchTickets`: the kitchen's change feed as a gRPC server stream (every ticket; the kitchen board
 * shows them all). Each change recorded with a ticket's commit (`store.ts`) arrives with the ticket as
 * that commit wrote it when this process made the commit and still remembers it (no read), else as
 * read from the store.
 *
 * @module
 */
import type { handleServerStreamingCall } from "@grpc/grpc-js";
import { serveChanges } from "../common/change_feed/serve.ts";
import type { Logger } from "../common/log.ts";
import type { WatchTicketsRequest, WatchTicketsResponse } from "../common/gen/oms/kitchen/v1/kitchen.ts";
import type { KitchenTicket, TicketState } from "./domain/ticket.ts";
import { TICKET_FEED, ticketKey } from "./store.ts";
import { type KitchenWindows, ticketToProto } from "./grpc_handlers.ts";

/** The `WatchTickets` handler over kitchen's store. */
export function watchTickets(
  kv: Deno.Kv,
  log: Logger,
  windows?: KitchenWindows,
  settleMs?: number,
): handleServerStreamingCall<WatchTicketsRequest, WatchTicketsResponse> {
  return (call) =>
    serveChanges(call, {
      kv,
      feed: TICKET_FEED,
      cursor: call.request.cursor,
      log,
      settleMs,
      async toMessage(change, cursor) {
        // the ticket as this change committed it (remembered in this process), else as read now
        const ticket = change.entity as KitchenTicket | undefined ??
          (await kv.get<KitchenTicket>(ticketKey(change.record.id))).value;
        if (!ticket) return null;
        return {
          cursor,
          ticket: ticketToProto(ticket, windows),
          status: ticketToProto({ ...ticket, status: change.record.status as TicketState }, windows).status,
          at: new Date(change.record.at),
        };
      },
    });
}
