/**
 * The gRPC adapter of the staff's queries (`staff_queries.ts`): SearchOrders, GetOrderStats,
 * ListCustomers and GetCustomer, each staff-only (PERMISSION_DENIED without a valid staff claim),
 * proto in and out.
 *
 * @module
 */
import type { ServerUnaryCall } from "@grpc/grpc-js";
import { requireManager } from "../common/auth/require_staff.ts";
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import { DomainError } from "../common/domain_error.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import type { Customer, OrdersServiceServer } from "../common/gen/oms/orders/v1/orders.ts";
import { type OrderStatus, orderToProto, statusFromProto } from "./domain/order.ts";
import { paymentStateFromProto, type PaymentStateName } from "./domain/payment_state.ts";
import type { CustomerView } from "./figures/customers.ts";
import type { StaffQueries } from "./staff_queries.ts";

type Handlers = Pick<OrdersServiceServer, "searchOrders" | "getOrderStats" | "listCustomers" | "getCustomer">;

function known<T>(values: number[], from: (v: number) => T | undefined, field: string): T[] {
  return values.map((v) => {
    const got = from(v);
    if (got === undefined) throw new DomainError("invalid_argument", `${field} ${v} is not known`, { field });
    return got;
  });
}

/** A customer as its proto message. */
export function customerToProto(c: CustomerView): Customer {
  return {
    customerId: c.customerId,
    name: c.name,
    phone: c.phone,
    email: c.email,
    orderCount: c.orderCount,
    totalSpent: { amount: c.totalSpent, currency: c.currency },
    firstOrderAt: new Date(c.firstOrderAt),
    lastOrderAt: new Date(c.lastOrderAt),
  };
}

/** The four staff query handlers over `queries`. */
export function staffQueryHandlers(
  { queries, staffClaims, log }: { queries: StaffQueries; staffClaims: StaffClaims; log: Logger },
): Handlers {
  // customers' names, phones and emails are for owners and managers (the kitchen role sees tickets only)
  const staff = (call: ServerUnaryCall<unknown, unknown>, what: string) =>
    requireManager(staffClaims, call.metadata, what);
  return {
    searchOrders: unary(log, async (req, call) => {
      staff(call, "search orders");
      const page = await queries.search({
        query: req.query,
        statuses: known<OrderStatus>(req.statuses, statusFromProto, "statuses"),
        paymentStates: known<PaymentStateName>(req.paymentStates, paymentStateFromProto, "payment_states"),
        createdFrom: req.createdFrom,
        createdUntil: req.createdUntil,
        pageSize: req.pageSize,
        cursor: req.cursor,
      });
      return { orders: page.orders.map((o) => orderToProto(o, "staff")), nextCursor: page.nextCursor };
    }),
    getOrderStats: unary(log, async (req, call) => {
      staff(call, "read the figures");
      const s = await queries.stats({ since: req.since, until: req.until });
      return {
        orders: s.orders,
        revenue: { amount: s.revenue, currency: s.currency },
        averageTicketMs: s.averageTicketMs,
        openTickets: s.openTickets,
      };
    }),
    listCustomers: unary(log, async (req, call) => {
      staff(call, "list customers");
      const page = await queries.customers(req);
      return { customers: page.customers.map(customerToProto), nextCursor: page.nextCursor };
    }),
    getCustomer: unary(log, async (req, call) => {
      staff(call, "read customers");
      return { customer: customerToProto(await queries.customer(req.customerId)) };
    }),
  };
}
