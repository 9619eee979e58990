/**
 * The actions people may take on an order now, derived from the state machine's edges
 * ({@linkcode EDGES}), so no client re-encodes the rules: the `Order` message carries
 * {@linkcode allowedActions} and web shows buttons from it.
 *
 * @module
 */
import type { Order } from "./order.ts";
import { canTransition } from "./transition.ts";

/** Every action, in the order buttons show them. */
export const ORDER_ACTIONS = ["pay", "cancel", "refund", "complete"] as const;

/** An action on an order: `pay` (open the payment link), `cancel`, `refund`, `complete` (hand over). */
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** Actions only staff may take (the customer may pay and cancel). */
export const STAFF_ONLY_ACTIONS: readonly OrderAction[] = ["refund", "complete"];

/** True when `action` is allowed on `order` as it is now. */
export function isAllowed(order: Order, action: OrderAction): boolean {
  switch (action) {
    case "pay":
      return order.paymentLink !== "" && canTransition(order.status, "paid");
    case "cancel":
      return canTransition(order.status, "cancelled");
    case "refund":
      return canTransition(order.status, "refunded");
    case "complete":
      return canTransition(order.status, "completed");
  }
}

/** The actions allowed on `order` now, in {@linkcode ORDER_ACTIONS} order. */
export function allowedActions(order: Order): OrderAction[] {
  return ORDER_ACTIONS.filter((action) => isAllowed(order, action));
}
