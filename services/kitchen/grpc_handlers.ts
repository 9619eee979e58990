/**
 * The `oms.kitchen.v1.KitchenService` adapter: maps requests and answers to and from proto and hands
 * each call to one use case in {@linkcode KitchenApp}. A `DomainError` becomes its gRPC status in
 * `unary`.
 *
 * StartTicket and CompleteTicket are staff-only: without a valid staff claim (`x-oms-staff`, signed by
 * web) they answer PERMISSION_DENIED and move nothing. Reads need only the service token. Auto-prep
 * moves tickets through {@linkcode KitchenApp} directly, not over gRPC.
 *
 * @module
 */
import { requireStaff } from "../common/auth/require_staff.ts";
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import { DomainError } from "../common/domain_error.ts";
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
import type { KitchenApp } from "./app.ts";
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
    orderNumber: t.orderNumber ?? 0,
    details: t.details,
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
      throw new DomainError("invalid_argument", `Unknown ticket status ${status}`, { field: "status" });
  }
}

const ACTION_NAME: Record<TicketAction, string> = {
  start: "Starting a ticket",
  complete: "Completing a ticket",
};

/**
 * Creates the kitchen service handlers over the use cases; `staffClaims` (keyed from the service token)
 * verifies the staff claim of StartTicket and CompleteTicket.
 */
export function kitchenHandlers(
  app: KitchenApp,
  kv: Deno.Kv,
  log: Logger,
  staffClaims: StaffClaims,
): KitchenServiceServer {
  const transition = (action: TicketAction) =>
    unary<{ orderId: string }, { ticket: Ticket }>(log, async (req, call) => {
      const staff = requireStaff(staffClaims, call.metadata, ACTION_NAME[action]);
      const traceparent = traceparentOf(call.metadata);
      const ticket = await app.moveTicket(req.orderId, action, traceparent ? { traceparent } : {});
      log.info(`ticket ${ticket.status}`, { orderId: ticket.orderId, by: "rpc", staff: staff.sub });
      return { ticket: ticketToProto(ticket) };
    });
  return {
    listTickets: unary(log, async (req) => ({
      tickets: (await app.listTickets(statusFilter(req.status))).map(ticketToProto),
    })),
    getTicket: unary(log, async (req) => ({ ticket: ticketToProto(await app.getTicket(req.orderId)) })),
    startTicket: transition("start"),
    completeTicket: transition("complete"),
    watchTickets: watchTickets(kv, log),
  };
}

/** The kitchen service, ready for `startGrpcServer`. */
export function kitchenService(
  app: KitchenApp,
  kv: Deno.Kv,
  log: Logger,
  staffClaims: StaffClaims,
): ServedService {
  return {
    definition: KitchenServiceService,
    name: KITCHEN_SERVICE_NAME,
    implementation: kitchenHandlers(app, kv, log, staffClaims),
  };
}
