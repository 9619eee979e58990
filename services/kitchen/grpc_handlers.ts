/**
 * The `oms.kitchen.v1.KitchenService` adapter: maps requests and answers to and from proto and hands
 * each call to one use case in {@linkcode KitchenApp}. A `DomainError` becomes its gRPC status in
 * `unary`.
 *
 * StartTicket, CompleteTicket, UndoTicket and RecallTicket are staff-only: without a valid staff claim
 * (`x-oms-staff`, signed by web) they answer PERMISSION_DENIED and move nothing; with one, the claim's
 * staff member (never a request field) is who the move's event names. Reads need only the service
 * token. Auto-prep moves tickets through {@linkcode KitchenApp} directly, not over gRPC.
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
  type StationProgress,
  type Ticket,
  TicketStatus,
} from "../common/gen/oms/kitchen/v1/kitchen.ts";
import { type KitchenTicket, partsOf, type TicketState } from "./domain/ticket.ts";
import type { KitchenApp } from "./app.ts";
import { watchTickets } from "./watch.ts";

/** The full proto name of the kitchen service (for health checks). */
export const KITCHEN_SERVICE_NAME = "oms.kitchen.v1.KitchenService";

const TO_PROTO: Record<TicketState, TicketStatus> = {
  queued: TicketStatus.TICKET_STATUS_QUEUED,
  preparing: TicketStatus.TICKET_STATUS_PREPARING,
  ready: TicketStatus.TICKET_STATUS_READY,
  cancelled: TicketStatus.TICKET_STATUS_CANCELLED,
};

/** The kitchen's windows, which the answers state as times ("undo until", "recall until"). */
export interface KitchenWindows {
  undoMs: number;
  recallMs: number;
}

const at = (ms: number | undefined) => ms === undefined ? undefined : new Date(ms);

/** Until when `t` can be undone and recalled, per ticket and per station part (none once handed over or cancelled). */
function stationsToProto(t: KitchenTicket, w: KitchenWindows): StationProgress[] {
  const open = t.status !== "cancelled" && t.handedOverAtMs === undefined;
  return partsOf(t).map((p) => {
    const last = p.status === "ready" ? p.readyAtMs : p.status === "preparing" ? p.startedAtMs : undefined;
    return {
      station: p.station,
      status: TO_PROTO[p.status],
      startedAt: at(p.startedAtMs),
      readyAt: at(p.readyAtMs),
      undoUntil: open && last !== undefined ? new Date(last + w.undoMs) : undefined,
      recallUntil: open && p.status === "ready" && p.readyAtMs !== undefined
        ? new Date(p.readyAtMs + w.recallMs)
        : undefined,
    };
  });
}

/** Converts a stored ticket to its proto message; `w` dates its undo and recall windows. */
export function ticketToProto(t: KitchenTicket, w: KitchenWindows = { undoMs: 0, recallMs: 0 }): Ticket {
  const open = t.status !== "cancelled" && t.handedOverAtMs === undefined;
  return {
    orderId: t.orderId,
    items: t.items,
    status: TO_PROTO[t.status],
    paidAt: new Date(t.paidAtMs),
    startedAt: t.startedAtMs === undefined ? undefined : new Date(t.startedAtMs),
    readyAt: t.readyAtMs === undefined ? undefined : new Date(t.readyAtMs),
    orderNumber: t.orderNumber ?? 0,
    details: t.details,
    stations: stationsToProto(t, w),
    startedBy: t.startedBy ?? "",
    readyBy: t.readyBy ?? "",
    undoUntil: open && t.lastMove ? new Date(t.lastMove.atMs + w.undoMs) : undefined,
    recallUntil: open && t.status === "ready" && t.readyAtMs !== undefined
      ? new Date(t.readyAtMs + w.recallMs)
      : undefined,
    handedOverAt: at(t.handedOverAtMs),
    cancelledAt: at(t.cancelledAtMs),
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
    case TicketStatus.TICKET_STATUS_CANCELLED:
      return "cancelled";
    default:
      throw new DomainError("invalid_argument", `Unknown ticket status ${status}`, { field: "status" });
  }
}

type Move = "start" | "complete" | "undo" | "recall";

const ACTION_NAME: Record<Move, string> = {
  start: "Starting a ticket",
  complete: "Completing a ticket",
  undo: "Undoing a ticket move",
  recall: "Recalling a ticket",
};

/**
 * Creates the kitchen service handlers over the use cases; `staffClaims` (keyed from the service token)
 * verifies the staff claim of the moves, whose staff member the move records.
 */
export function kitchenHandlers(
  app: KitchenApp,
  kv: Deno.Kv,
  log: Logger,
  staffClaims: StaffClaims,
): KitchenServiceServer {
  const w: KitchenWindows = { undoMs: app.undoMs, recallMs: app.recallMs };
  const toProto = (t: KitchenTicket) => ticketToProto(t, w);
  const transition = (move: Move) =>
    unary<{ orderId: string; station?: string | undefined }, { ticket: Ticket }>(log, async (req, call) => {
      const staff = requireStaff(staffClaims, call.metadata, ACTION_NAME[move]);
      const traceparent = traceparentOf(call.metadata);
      const opts = { ...(traceparent ? { traceparent } : {}), station: req.station ?? "", by: staff.sub };
      const ticket = move === "start" || move === "complete"
        ? await app.moveTicket(req.orderId, move, opts)
        : move === "undo"
        ? await app.undoTicket(req.orderId, opts)
        : await app.recallTicket(req.orderId, opts);
      log.info(`ticket ${move}`, {
        orderId: ticket.orderId,
        station: opts.station,
        status: ticket.status,
        staff: staff.sub,
      });
      return { ticket: toProto(ticket) };
    });
  return {
    listTickets: unary(log, async (req) => ({
      tickets: (await app.listTickets(statusFilter(req.status))).map(toProto),
    })),
    getTicket: unary(log, async (req) => ({ ticket: toProto(await app.getTicket(req.orderId)) })),
    startTicket: transition("start"),
    completeTicket: transition("complete"),
    undoTicket: transition("undo"),
    recallTicket: transition("recall"),
    getKitchenStats: unary(log, async (req) => ({
      stations: (await app.stats(req.since)).map((s) => ({
        station: s.station,
        count: s.count,
        averagePrepMs: s.averagePrepMs,
      })),
    })),
    watchTickets: watchTickets(kv, log, w),
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
