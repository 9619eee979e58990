/**
 * The sweeper's port to orders: "does each of these orders exist, and in what state?", and its gRPC
 * adapter over `OrdersService.LookupOrders` (made with the shared `connect`/`rpc` helpers, so the
 * call carries whatever the shared client adds, e.g. the service credential).
 *
 * @module
 */
import { rpc } from "../common/grpc_client.ts";
import { type OrdersServiceClient, OrderStatus } from "../common/gen/oms/orders/v1/orders.ts";
import type { OrderAnswer, OrderState } from "./domain/order_fate.ts";

/** Asks orders about orders. */
export interface OrderDirectory {
  /**
   * What orders says about each of `orderIds` (at most {@linkcode LOOKUP_BATCH}); an id missing from
   * the map got no answer. Rejects when orders cannot be asked (unreachable, error, deadline).
   */
  lookup(orderIds: readonly string[]): Promise<Map<string, OrderAnswer>>;
}

/** Most order ids in one `LookupOrders` call (orders' limit). */
export const LOOKUP_BATCH = 100;

const STATES: Partial<Record<OrderStatus, OrderState>> = {
  [OrderStatus.ORDER_STATUS_PENDING]: "pending",
  [OrderStatus.ORDER_STATUS_WAITING_PAYMENT]: "waiting_payment",
  [OrderStatus.ORDER_STATUS_PAID]: "paid",
  [OrderStatus.ORDER_STATUS_PREPARING]: "preparing",
  [OrderStatus.ORDER_STATUS_READY]: "ready",
  [OrderStatus.ORDER_STATUS_COMPLETED]: "completed",
  [OrderStatus.ORDER_STATUS_CANCELLED]: "cancelled",
  [OrderStatus.ORDER_STATUS_REFUNDED]: "refunded",
};

/** The state of a proto status; `unknown` for UNSPECIFIED or a value newer than this code. */
export function orderStateOf(status: OrderStatus): OrderState {
  return STATES[status] ?? "unknown";
}

/** An {@linkcode OrderDirectory} over an orders gRPC client, each call with a `timeoutMs` deadline. */
export function grpcOrderDirectory(client: OrdersServiceClient, timeoutMs: number): OrderDirectory {
  return {
    async lookup(orderIds) {
      const res = await rpc(client, "lookupOrders", { orderIds: [...orderIds] }, { timeoutMs });
      const answers = new Map<string, OrderAnswer>();
      for (const o of res.orders) {
        answers.set(
          o.orderId,
          o.exists ? { exists: true, state: orderStateOf(o.status) } : { exists: false },
        );
      }
      return answers;
    },
  };
}
