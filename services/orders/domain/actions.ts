/**
 * The actions allowed on an order now, read off the state machine's edges (`transition.ts`), so the
 * rule lives once: an action is allowed exactly when the transition it asks for is legal. Paying also
 * needs the checkout link to exist. Who may take an action (customer or staff) is checked elsewhere.
 *
 * @module
 */
import type { Order, OrderStatus } from "./order.ts";
import { canTransition } from "./transition.ts";

/** Every action, in the fixed order {@linkcode allowedActions} lists them. */
export const ORDER_ACTIONS = ["cancel", "pay", "complete", "refund"] as const;

/** Something that may be done to an order. */
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** The status each action moves the order to. */
export const ACTION_TARGET: Readonly<Record<OrderAction, OrderStatus>> = {
  cancel: "cancelled",
  pay: "paid",
  complete: "completed",
  refund: "refunded",
};

/** The actions allowed on `order` in its current state, in {@linkcode ORDER_ACTIONS} order. */
export function allowedActions(order: Pick<Order, "status" | "paymentLink">): OrderAction[] {
  return ORDER_ACTIONS.filter((a) =>
    canTransition(order.status, ACTION_TARGET[a]) && (a !== "pay" || order.paymentLink !== "")
  );
}
