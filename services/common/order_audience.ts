/**
 * What a customer may see of an order: the one rule for every `oms.orders.v1.Order` that leaves for a
 * customer, whether orders answers a customer's call (`orderToProto(order, "customer")`) or web passes on
 * an order it watched as staff (the live hub watches every order as staff, then serves customers' order
 * pages and "my orders" from it).
 *
 * A customer sees the notes meant for them, without their authors, and no staff names: timeline entries
 * lose their actor, refunds who asked for them.
 *
 * @module
 */
import type { Order } from "./gen/oms/orders/v1/orders.ts";

/** `order` as its customer may see it (a new message; `order` is left as it is). */
export function customerViewOf(order: Order): Order {
  return {
    ...order,
    timeline: order.timeline.map(({ actor: _actor, ...entry }) => entry),
    refunds: order.refunds.map((r) => ({ ...r, by: "" })),
    notes: order.notes.filter((n) => n.visibleToCustomer).map((n) => ({ ...n, author: "" })),
  };
}
