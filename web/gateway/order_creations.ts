/**
 * Who hears of the orders web creates: the orders facade tells the observer registered for its client
 * just before each `CreateOrder` call and, with the order, after it succeeds. The live hub registers
 * one (`web/live/hub.ts`), so an order page that opens right after checkout shows the new order
 * without reading it back with `GetOrder` (see `Upstream.witness`).
 *
 * @module
 */
import type { Order, OrdersServiceClient } from "../../services/common/gen/oms/orders/v1/orders.ts";

/** Hears of the orders created through one orders client. */
export interface OrderCreationObserver {
  /** Called just before a `CreateOrder` call; the returned function gets the order it created. */
  begin(): (order: Order) => void;
}

const observers = new WeakMap<OrdersServiceClient, OrderCreationObserver>();

/** Makes `observer` hear of the orders created through `client`; the returned function stops it. */
export function observeOrderCreations(
  client: OrdersServiceClient,
  observer: OrderCreationObserver,
): () => void {
  observers.set(client, observer);
  return () => {
    if (observers.get(client) === observer) observers.delete(client);
  };
}

/** The observer of the orders created through `client`, if one is registered. */
export function orderCreationObserverOf(client: OrdersServiceClient): OrderCreationObserver | undefined {
  return observers.get(client);
}
