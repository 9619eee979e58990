/**
 * `LookupOrders`: whether each of a batch of orders exists, and its status. Stock's reservation sweeper
 * asks before it releases a reservation, so a reservation lives as long as its order can still pay.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import type { LookupOrdersResponse, OrderLookup } from "../common/gen/oms/orders/v1/orders.ts";
import { OrderStatus as OrderStatusEnum } from "../common/gen/oms/orders/v1/orders.ts";
import { type Order, statusToProto } from "./domain/order.ts";
import { orderKey } from "./store.ts";

/** Most order ids one `LookupOrders` call may ask about. */
export const MAX_LOOKUP = 100;

/** Longest order id orders stores (see `validateOrderId`); a longer one cannot exist. */
const MAX_ORDER_ID = 64;

/** `kv.getMany` reads at most 10 keys at a time. */
const GET_MANY_LIMIT = 10;

/**
 * Looks up `orderIds` (1 to {@linkcode MAX_LOOKUP}): one answer per id, in request order. An id orders
 * could never have stored (empty, too long) is answered as not existing rather than failing the batch.
 * Throws `invalid_argument` naming `order_ids` for an empty or oversized batch.
 */
export async function lookupOrders(kv: Deno.Kv, orderIds: readonly string[]): Promise<LookupOrdersResponse> {
  if (orderIds.length === 0 || orderIds.length > MAX_LOOKUP) {
    throw new DomainError(
      "invalid_argument",
      `Ask about 1 to ${MAX_LOOKUP} orders at once, got ${orderIds.length}`,
      { field: "order_ids" },
    );
  }
  const storable = [...new Set(orderIds.filter((id) => id !== "" && id.length <= MAX_ORDER_ID))];
  const found = new Map<string, Order>();
  for (let i = 0; i < storable.length; i += GET_MANY_LIMIT) {
    const entries = await kv.getMany<Order[]>(storable.slice(i, i + GET_MANY_LIMIT).map(orderKey));
    for (const e of entries) if (e.value !== null) found.set(e.value.id, e.value);
  }
  const orders: OrderLookup[] = orderIds.map((orderId) => {
    const order = found.get(orderId);
    return order
      ? { orderId, exists: true, status: statusToProto(order.status) }
      : { orderId, exists: false, status: OrderStatusEnum.ORDER_STATUS_UNSPECIFIED };
  });
  return { orders };
}
