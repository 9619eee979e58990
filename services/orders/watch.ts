/**
 * `WatchOrders`: the orders change feed as a gRPC server stream. Each change recorded with an order's
 * commit (`store.ts`) reaches the watchers whose scope covers it, with the order as that commit wrote it
 * when this process made the commit and still remembers it (no read), else as read from the store.
 *
 * Scope and access, as for GetOrder and ListOrders: `order_id` + `customer_id` watches one order of that
 * customer (another customer's order is `not_found`); `customer_id` alone watches that customer's
 * orders; neither watches every order and needs a valid staff claim (PERMISSION_DENIED without). A
 * staff call may watch any one order by `order_id` alone.
 *
 * @module
 */
import type { handleServerStreamingCall, ServerWritableStream } from "@grpc/grpc-js";
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import { serveChanges } from "../common/change_feed/serve.ts";
import { RpcError } from "../common/errors.ts";
import type { Logger } from "../common/log.ts";
import type { WatchOrdersRequest, WatchOrdersResponse } from "../common/gen/oms/orders/v1/orders.ts";
import { type Order, type OrderStatus, orderToProto, statusToProto } from "./domain/order.ts";
import { validateCustomerId, validateOrderId } from "./domain/validate.ts";
import { getOrder, ORDER_FEED } from "./store.ts";

/** What the watch needs. */
export interface WatchOrdersDeps {
  /** Orders' store. */
  kv: Deno.Kv;
  log: Logger;
  /** Verifies staff claims. */
  staffClaims: StaffClaims;
  /** See `SETTLE_MS` (tests). */
  settleMs?: number;
}

type Call = ServerWritableStream<WatchOrdersRequest, WatchOrdersResponse>;

/** Which changes a request may see; throws the access error. */
async function scopeOf(
  deps: WatchOrdersDeps,
  req: WatchOrdersRequest,
  staff: boolean,
): Promise<(order: Order) => boolean> {
  if (req.orderId) {
    validateOrderId(req.orderId);
    if (!staff) {
      validateCustomerId(req.customerId);
      const entry = await getOrder(deps.kv, req.orderId);
      if (!entry || entry.order.customerId !== req.customerId) {
        throw new RpcError("not_found", `Order "${req.orderId}" not found`);
      }
    }
    return (o) => o.id === req.orderId;
  }
  if (req.customerId) {
    validateCustomerId(req.customerId);
    return (o) => o.customerId === req.customerId;
  }
  if (!staff) {
    throw new RpcError(
      "permission_denied",
      "Watching every order is for staff only: the call carries no valid staff claim",
    );
  }
  return () => true;
}

/** The `WatchOrders` handler. */
export function watchOrders(
  deps: WatchOrdersDeps,
): handleServerStreamingCall<WatchOrdersRequest, WatchOrdersResponse> {
  return (call: Call) => {
    const staff = deps.staffClaims.fromMetadata(call.metadata) !== null;
    scopeOf(deps, call.request, staff).then(
      (keep) =>
        serveChanges(call, {
          kv: deps.kv,
          feed: ORDER_FEED,
          cursor: call.request.cursor,
          log: deps.log,
          settleMs: deps.settleMs,
          async toMessage(change, cursor) {
            // the record's scope is the customer: skip other customers' changes without a read
            if (
              !staff && call.request.customerId && change.record.scope !== call.request.customerId
            ) return null;
            // the order as this change committed it (remembered in this process), else as read now
            const order = change.entity as Order | undefined ??
              (await getOrder(deps.kv, change.record.id))?.order;
            if (!order || !keep(order)) return null;
            return {
              cursor,
              order: orderToProto(order, staff ? "staff" : "customer"),
              status: statusToProto(change.record.status as OrderStatus),
              at: new Date(change.record.at),
            };
          },
        }),
      (err: unknown) => {
        if (err instanceof RpcError) call.emit("error", err.toServiceError());
        else {
          deps.log.error("WatchOrders failed", { err });
          call.emit("error", { code: 13, details: "Internal error" });
        }
      },
    );
  };
}
