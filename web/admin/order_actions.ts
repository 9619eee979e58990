/**
 * The admin's order actions: cancel (pending or waiting for payment; stock is released by the
 * `order.cancelled` event), refund (paid; through the payment provider) and mark completed (ready).
 * Each is checked against the order's current status first, so an action that is not legal changes
 * nothing and says why; the orders service checks again under its own lock (a race gives the same
 * clear answer).
 *
 * @module
 */
import { rpc } from "../../services/common/grpc_client.ts";
import type { CallOpts } from "../../services/common/grpc_client.ts";
import type { Order } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { AppDeps } from "../api/deps.ts";
import { toApiError } from "../api/errors.ts";
import { statusName } from "../api/order_json.ts";
import { statusLabel } from "../lib/order_view.ts";
import { ACTION_LABELS, ACTION_STATUSES, type OrderAction } from "./view.ts";

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

/** Why `action` is not legal in `status`, or null when it is. */
export function whyIllegal(action: OrderAction, status: string): string | null {
  if (ACTION_STATUSES[action].includes(status)) return null;
  const allowed = ACTION_STATUSES[action].map((s) => statusLabel(s).toLowerCase()).join(" or ");
  return `${ACTION_LABELS[action]} is not possible: the order is ${statusLabel(status).toLowerCase()}, ` +
    `and only ${allowed} orders allow it. Nothing was changed.`;
}

/** Runs `action` on `order` (as read just before). */
export async function runOrderAction(
  deps: AppDeps,
  order: Order,
  action: OrderAction,
  opts: CallOpts,
): Promise<ActionResult> {
  const why = whyIllegal(action, statusName(order.status));
  if (why) return { ok: false, status: 409, message: why };
  const { orders } = deps.clients;
  try {
    const res = action === "cancel"
      ? await rpc(orders, "cancelOrder", { orderId: order.id, customerId: "", admin: true, reason: "" }, opts)
      : action === "refund"
      ? await rpc(orders, "refundOrder", { orderId: order.id, reason: "" }, opts)
      : await rpc(orders, "advanceOrder", { orderId: order.id }, opts);
    const next = res.order;
    if (!next) return { ok: false, status: 500, message: "The orders service gave no order back." };
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
    const e = toApiError(err, action === "refund" ? "payments" : "orders");
    if (e.status === 409) return { ok: false, status: 409, message: `${e.message}. Nothing was changed.` };
    if (e.status === 404) return { ok: false, status: 404, message: e.message };
    if (e.status === 503) {
      return { ok: false, status: 503, message: `${e.message}. Please try again in a moment.` };
    }
    if (e.status === 500) {
      deps.log.error("admin order action failed", { action, orderId: order.id, err: e.cause ?? err });
      return { ok: false, status: 500, message: "Something went wrong on our side. Please try again." };
    }
    return { ok: false, status: 422, message: e.message };
  }
}
