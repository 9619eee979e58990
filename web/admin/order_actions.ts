/**
 * The admin's order actions: cancel (stock is released by the `order.cancelled` event), refund
 * (through the payment provider) and mark completed. Each is checked first against the actions the
 * order allows now (its `allowedActions`, decided by orders' state machine), so an action that is not
 * open changes nothing and says why; the orders service checks again under its own lock (a race gives
 * the same clear answer).
 *
 * @module
 */
import type { Order } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { Logger } from "../../services/common/log.ts";
import { toApiError } from "../api/errors.ts";
import { actionNames, statusName } from "../api/order_json.ts";
import type { OrdersGateway } from "../gateway/orders.ts";
import { statusLabel } from "../lib/order_view.ts";
import { ACTION_LABELS, legalActions, type OrderAction } from "./view.ts";

/** What an action did. */
export type ActionResult =
  | { ok: true; order: Order; message: string }
  | { ok: false; status: 404 | 409 | 422 | 503 | 500 | 403; message: string };

const TARGET: Record<OrderAction, string> = {
  cancel: "cancelled",
  refund: "refunded",
  complete: "completed",
};

const DONE: Record<OrderAction, string> = {
  cancel: "Order cancelled. Its reserved stock is being released.",
  refund: "Order refunded through the payment provider.",
  complete: "Order marked completed (handed over).",
};

/** The parts of an order (API JSON) {@linkcode whyIllegal} reads. */
export interface ActionableOrder {
  /** Lowercase status. */
  status: string;
  /** The actions orders allows now. */
  allowedActions: readonly string[];
}

/** Why `action` is not open on `order` now, or null when it is. */
export function whyIllegal(action: OrderAction, order: ActionableOrder): string | null {
  const open = legalActions(order);
  if (open.includes(action)) return null;
  const instead = open.length === 0
    ? "no staff action is open on it"
    : `what it allows now: ${open.map((a) => ACTION_LABELS[a]).join(", ")}`;
  return `${ACTION_LABELS[action]} is not possible: the order is ${
    statusLabel(order.status).toLowerCase()
  } ` +
    `(${instead}). Nothing was changed.`;
}

/** Runs `action` on `order` (as read just before) through the orders facade. */
export async function runOrderAction(
  orders: OrdersGateway,
  log: Logger,
  order: Order,
  action: OrderAction,
): Promise<ActionResult> {
  const why = whyIllegal(action, {
    status: statusName(order.status),
    allowedActions: actionNames(order.allowedActions),
  });
  if (why) return { ok: false, status: 409, message: why };
  try {
    const next = action === "cancel"
      ? await orders.cancelAsStaff(order.id)
      : action === "refund"
      ? await orders.refund(order.id, "Refunded in full by staff")
      : await orders.complete(order.id);
    const now = statusName(next.status);
    if (now !== TARGET[action]) {
      return {
        ok: false,
        status: 409,
        message: `Nothing changed: the order is ${statusLabel(now).toLowerCase()}.`,
      };
    }
    return { ok: true, order: next, message: DONE[action] };
  } catch (err) {
    const e = toApiError(err);
    if (e.status === 409) return { ok: false, status: 409, message: `${e.message}. Nothing was changed.` };
    if (e.status === 404) return { ok: false, status: 404, message: e.message };
    if (e.status === 503) {
      return { ok: false, status: 503, message: `${e.message}. Please try again in a moment.` };
    }
    if (e.status === 500) {
      log.error("admin order action failed", { action, orderId: order.id, err: e.cause ?? err });
      return { ok: false, status: 500, message: "Something went wrong on our side. Please try again." };
    }
    return { ok: false, status: 422, message: e.message };
  }
}
