/**
 * The gRPC implementation of `oms.stock.v1.StockService`.
 *
 * Restock is staff-only: without a valid staff claim (`x-oms-staff`, signed by web) it answers
 * PERMISSION_DENIED and changes nothing. ReserveItems (called by orders) and the reads need only the
 * service token. The menu-control RPCs (edit, 86, busy mode, the items watch) are `menu_handlers.ts`.
 *
 * @module
 */
import { requireStaff } from "../common/auth/require_staff.ts";
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import type { ServedService } from "../common/grpc_server.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import {
  type Reservation,
  ReservationStatus,
  type StockServiceServer,
  StockServiceService,
} from "../common/gen/oms/stock/v1/stock.ts";
import type { ReservationState, StockReservation } from "./domain/reservation.ts";
import type { UnitOfWork } from "../common/unit_of_work.ts";
import { restock } from "./app.ts";
import { ReservationQueue } from "./reservation_queue.ts";
import { getItem, getReservation, listItems } from "./store.ts";
import { itemToProto } from "./item_proto.ts";
import { menuHandlers } from "./menu_handlers.ts";

export { itemToProto };

/** The full proto name of the stock service (for health checks). */
export const STOCK_SERVICE_NAME = "oms.stock.v1.StockService";

const STATUS: Record<ReservationState, ReservationStatus> = {
  reserved: ReservationStatus.RESERVATION_STATUS_RESERVED,
  sold: ReservationStatus.RESERVATION_STATUS_SOLD,
  released: ReservationStatus.RESERVATION_STATUS_RELEASED,
};

/** Converts a stored reservation to its proto message. */
export function reservationToProto(r: StockReservation): Reservation {
  return {
    orderId: r.orderId,
    lines: r.lines.map((l) => ({
      itemId: l.itemId,
      name: l.name,
      quantity: l.quantity,
      unitPrice: { amount: l.unitPrice, currency: r.currency },
      ...(l.station ? { station: l.station } : {}),
    })),
    total: { amount: r.total, currency: r.currency },
    status: STATUS[r.status],
  };
}

/**
 * Creates the stock service handlers over `kv`; `staffClaims` (keyed from the service token) verifies
 * the staff claims of Restock and the menu-control RPCs. ReserveItems calls made at the same time are
 * committed together (`reservation_queue.ts`).
 */
export function stockHandlers(
  kv: Deno.Kv,
  uow: UnitOfWork,
  log: Logger,
  staffClaims: StaffClaims,
): StockServiceServer {
  const reservations = new ReservationQueue(uow);
  return {
    ...menuHandlers({ kv, uow, log, staffClaims }),
    listItems: unary(log, async () => ({ items: (await listItems(kv)).map(itemToProto) })),
    getItem: unary(log, async (req) => ({ item: itemToProto(await getItem(kv, req.id)) })),
    reserveItems: unary(log, async (req) => {
      const reservation = await reservations.reserve(req.orderId, req.items);
      log.debug("items reserved", { orderId: req.orderId, status: reservation.status });
      return { reservation: reservationToProto(reservation) };
    }),
    getReservation: unary(
      log,
      async (req) => ({ reservation: reservationToProto(await getReservation(kv, req.orderId)) }),
    ),
    restock: unary(log, async (req, call) => {
      const staff = requireStaff(staffClaims, call.metadata, "Restocking an item");
      const item = await restock(uow, req.itemId, req.quantity, { staff: staff.sub, at: new Date() });
      log.info("item restocked", {
        itemId: item.id,
        quantity: req.quantity,
        available: item.available,
        staff: staff.sub,
      });
      return { item: itemToProto(item) };
    }),
  };
}

/** The stock service, ready for `startGrpcServer`. */
export function stockService(
  kv: Deno.Kv,
  uow: UnitOfWork,
  log: Logger,
  staffClaims: StaffClaims,
): ServedService {
  return {
    definition: StockServiceService,
    name: STOCK_SERVICE_NAME,
    implementation: stockHandlers(kv, uow, log, staffClaims),
  };
}
