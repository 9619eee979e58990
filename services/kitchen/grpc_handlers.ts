/**
 * The gRPC implementation of `oms.kitchen.v1.KitchenService`.
 *
 * @module
 */
import { RpcError } from "../common/errors.ts";
import { unary } from "../common/grpc_handler.ts";
import type { ServedService } from "../common/grpc_server.ts";
import type { Logger } from "../common/log.ts";
import { traceparentOf } from "../common/trace.ts";
import {
  type KitchenServiceServer,
  KitchenServiceService,
  type Ticket,
  TicketStatus,
} from "../common/gen/oms/kitchen/v1/kitchen.ts";
import type { KitchenTicket, TicketAction, TicketState } from "./domain/ticket.ts";
import { getTicket, listTickets, transitionTicket } from "./store.ts";
import { watchTickets } from "./watch.ts";

/** The full proto name of the kitchen service (for health checks). */
export const KITCHEN_SERVICE_NAME = "oms.kitchen.v1.KitchenService";

const TO_PROTO: Record<TicketState, TicketStatus> = {
  queued: TicketStatus.TICKET_STATUS_QUEUED,
  preparing: TicketStatus.TICKET_STATUS_PREPARING,
  ready: TicketStatus.TICKET_STATUS_READY,
};

/** Converts a stored ticket to its proto message. */
export function ticketToProto(t: KitchenTicket): Ticket {
  return {
    orderId: t.orderId,
    items: t.items,
    status: TO_PROTO[t.status],
    paidAt: new Date(t.paidAtMs),
    startedAt: t.startedAtMs === undefined ? undefined : new Date(t.startedAtMs),
    readyAt: t.readyAtMs === undefined ? undefined : new Date(t.readyAtMs),
  };
}

/** The status filter of ListTickets: undefined for every status; throws for an unknown value. */
export function statusFilter(status: TicketStatus): TicketState | undefined {
  switch (status) {
    case TicketStatus.TICKET_STATUS_UNSPECIFIED:
      return undefined;
    case TicketStatus.TICKET_STATUS_QUEUED:
      return "queued";
    case TicketStatus.TICKET_STATUS_PREPARING:
      return "preparing";
    case TicketStatus.TICKET_STATUS_READY:
      return "ready";
    default:
      throw new RpcError("invalid_argument", `Unknown ticket status ${status}`, { field: "status" });
  }
}

function requireOrderId(orderId: string): void {
  if (orderId.trim() === "") {
    throw new RpcError("invalid_argument", "Order id must not be empty", { field: "order_id" });
  }
}

/** Creates the kitchen service handlers; `kick` wakes the outbox relay after a transition. */
export function kitchenHandlers(kv: Deno.Kv, log: Logger, kick: () => void): KitchenServiceServer {
  const transition = (action: TicketAction) =>
    unary<{ orderId: string }, { ticket: Ticket }>(log, async (req, call) => {
      requireOrderId(req.orderId);
      const traceparent = traceparentOf(call.metadata);
      const ticket = await transitionTicket(kv, req.orderId, action, traceparent ? { traceparent } : {});
      kick();
      log.info(`ticket ${ticket.status}`, { orderId: ticket.orderId, by: "rpc" });
      return { ticket: ticketToProto(ticket) };
    });
  return {
    listTickets: unary(log, async (req) => ({
      tickets: (await listTickets(kv, statusFilter(req.status))).map(ticketToProto),
    })),
    getTicket: unary(log, async (req) => {
      requireOrderId(req.orderId);
      return { ticket: ticketToProto(await getTicket(kv, req.orderId)) };
    }),
    startTicket: transition("start"),
    completeTicket: transition("complete"),
    watchTickets: watchTickets(kv, log),
  };
}

/** The kitchen service, ready for `startGrpcServer`. */
export function kitchenService(kv: Deno.Kv, log: Logger, kick: () => void): ServedService {
  return {
    definition: KitchenServiceService,
    name: KITCHEN_SERVICE_NAME,
    implementation: kitchenHandlers(kv, log, kick),
  };
}
