/**
 * The `oms.orders.v1.OrdersService` adapter: maps requests and answers to and from proto, decides who
 * the caller is, and hands each call to one use case in {@linkcode OrdersApp}. A `DomainError` becomes
 * its gRPC status in `unary`.
 *
 * Staff: a call is a staff call only when its metadata carries a valid, unexpired staff claim signed by
 * web (`x-oms-staff`, see `common/auth/staff_claim.ts`). `admin: true` on GetOrder or CancelOrder without
 * one does nothing: the request is the customer's (`customerId`), so another customer's order is
 * `not_found`. ListOrders, CountOrders, AdvanceOrder, RefundOrder and AddOrderNote are staff-only:
 * without a claim they answer PERMISSION_DENIED, and the staff member they record comes from the
 * claim. A customer's answer carries only the notes visible to customers and no staff names.
 *
 * @module
 */
import type { ServerUnaryCall } from "@grpc/grpc-js";
import { requireManager, requireStaff as requireStaffClaim } from "../common/auth/require_staff.ts";
import type { StaffClaim, StaffClaims } from "../common/auth/staff_claim.ts";
import { DomainError } from "../common/domain_error.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import { newTraceparent, traceparentOf } from "../common/trace.ts";
import {
  type OrdersServiceServer,
  OrderStatus as OrderStatusEnum,
} from "../common/gen/oms/orders/v1/orders.ts";
import type { OrdersApp } from "./app.ts";
import { orderToProto, statusFromProto, statusToProto } from "./domain/order.ts";
import { watchOrders } from "./watch.ts";
import { staffQueryHandlers } from "./grpc_staff_queries.ts";
import { StaffQueries } from "./staff_queries.ts";

/** What the gRPC adapter needs. */
export interface OrdersServerDeps {
  /** The use cases. */
  app: OrdersApp;
  /** Orders' store (the watch reads the change feed and the orders it names). */
  kv: Deno.Kv;
  /** Verifies the staff claims web signs (keyed from the service token). */
  staffClaims: StaffClaims;
  log: Logger;
}

function traceOf(call: ServerUnaryCall<unknown, unknown>): string {
  return traceparentOf(call.metadata) ?? newTraceparent();
}

/** The status filter of ListOrders: undefined for UNSPECIFIED (all), `invalid_argument` for unknown values. */
function statusFilter(value: OrderStatusEnum) {
  if (value === OrderStatusEnum.ORDER_STATUS_UNSPECIFIED) return undefined;
  const status = statusFromProto(value);
  if (!status) {
    throw new DomainError("invalid_argument", `Status ${value} is not an order status`, { field: "status" });
  }
  return status;
}

/** The gRPC implementation of `oms.orders.v1.OrdersService` over the use cases. */
export function ordersServer({ app, kv, staffClaims, log }: OrdersServerDeps): OrdersServiceServer {
  /** The call's staff claim; verified only when the request asks for staff access. */
  const staffOf = (call: ServerUnaryCall<unknown, unknown>, asked: boolean) =>
    asked ? staffClaims.fromMetadata(call.metadata) : null;
  /** The call's staff claim, or PERMISSION_DENIED. */
  const requireStaff = (call: ServerUnaryCall<unknown, unknown>, what: string): StaffClaim =>
    requireStaffClaim(staffClaims, call.metadata, what);
  return {
    createOrder: unary(
      log,
      async (req, call) => ({ order: orderToProto(await app.createOrder(req, traceOf(call))) }),
    ),
    getOrder: unary(log, async (req, call) => {
      const admin = staffOf(call, req.admin) !== null;
      return { order: orderToProto(await app.getOrder({ ...req, admin }), admin ? "staff" : "customer") };
    }),
    listCustomerOrders: unary(log, async (req) => {
      const page = await app.listCustomerOrders(req);
      return { orders: page.orders.map((o) => orderToProto(o, "customer")), nextCursor: page.nextCursor };
    }),
    addOrderNote: unary(log, async (req, call) => {
      const staff = requireManager(staffClaims, call.metadata, "add notes to orders");
      return { order: orderToProto(await app.addNote(req, traceOf(call), staff), "staff") };
    }),
    // staff's search, figures and customers (staff_queries.ts)
    ...staffQueryHandlers({ queries: new StaffQueries(kv), staffClaims, log }),
    listOrders: unary(log, async (req, call) => {
      requireStaff(call, "Listing every order");
      const page = await app.listOrders({ ...req, status: statusFilter(req.status) });
      return { orders: page.orders.map((o) => orderToProto(o, "staff")), nextCursor: page.nextCursor };
    }),
    countOrders: unary(log, async (_req, call) => {
      requireStaff(call, "Counting orders");
      const counts = await app.countOrders();
      return { counts: counts.map(({ status, count }) => ({ status: statusToProto(status), count })) };
    }),
    cancelOrder: unary(log, async (req, call) => {
      const staff = staffOf(call, req.admin);
      const order = await app.cancelOrder(
        { ...req, admin: staff !== null },
        traceOf(call),
        staff ?? undefined,
      );
      return { order: orderToProto(order, staff ? "staff" : "customer") };
    }),
    advanceOrder: unary(log, async (req, call) => {
      const staff = requireStaff(call, "Completing an order");
      return { order: orderToProto(await app.advanceOrder(req, traceOf(call), staff), "staff") };
    }),
    refundOrder: unary(log, async (req, call) => {
      const staff = requireManager(staffClaims, call.metadata, "refund orders");
      return { order: orderToProto(await app.refundOrder(req, traceOf(call), staff), "staff") };
    }),
    lookupOrders: unary(log, (req) => app.lookupOrders(req.orderIds)),
    watchOrders: watchOrders({ kv, staffClaims, log }),
  };
}
