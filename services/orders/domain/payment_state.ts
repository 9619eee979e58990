/**
 * Whether and how much of an order has been paid and refunded, read off its status and its refunds
 * (pure, no I/O). A refund counts once the provider confirmed it (it has a provider refund id); one in
 * flight does not count as refunded yet, but it does count against what may still be refunded
 * ({@linkcode refundableAmount}), so two refunds asked for at once never exceed the total.
 *
 * @module
 */
import type { Money } from "../../common/gen/oms/types/v1/types.ts";
import { PaymentState as PaymentStateEnum } from "../../common/gen/oms/orders/v1/orders.ts";
import type { Order } from "./order.ts";

/** The payment states of an order, as `oms.orders.v1.PaymentState` names them. */
export const PAYMENT_STATES = ["unpaid", "paid", "partially_refunded", "refunded"] as const;

/** A payment state. */
export type PaymentState = (typeof PAYMENT_STATES)[number];

type Refundable = Pick<Order, "status" | "total" | "refunds">;

/**
 * The sum of the refunds the provider confirmed, in the order's currency. A `refunded` order whose
 * refund predates refund records (a full refund) counts its whole total.
 */
export function refundedAmount(order: Refundable): Money {
  const confirmed = (order.refunds ?? [])
    .filter((r) => r.providerRefundId !== "")
    .reduce((sum, r) => sum + r.amount.amount, 0);
  const amount = order.status === "refunded" ? Math.max(confirmed, order.total.amount) : confirmed;
  return { amount, currency: order.total.currency };
}

/** What may still be refunded: the total less every refund asked for (confirmed or in flight). */
export function refundableAmount(order: Refundable): number {
  if (order.status === "refunded") return 0;
  const asked = (order.refunds ?? []).reduce((sum, r) => sum + r.amount.amount, 0);
  return Math.max(0, order.total.amount - asked);
}

/** The order's payment state. */
export function paymentStateOf(order: Refundable): PaymentState {
  switch (order.status) {
    case "pending":
    case "waiting_payment":
    case "cancelled":
      return "unpaid";
    case "refunded":
      return "refunded";
    default:
      return refundedAmount(order).amount > 0 ? "partially_refunded" : "paid";
  }
}

// ---- amounts for the running figures and search (slice "orders") ----

/** A payment state, as search and the figures name it. */
export type PaymentStateName = PaymentState;

/** An order as the figures read it (refunds included). */
export type OrderWithRefunds = Order;

/** True when the order was ever paid (a payment noted on a cancelled order is refunded, so it is not). */
export function wasPaid(order: Pick<Order, "timeline">): boolean {
  return order.timeline.some((t) => t.status === "paid");
}

/** What the customer paid, in minor units of the order's currency (0 when unpaid). */
export function paidAmountOf(order: Order): number {
  return wasPaid(order) ? order.total.amount : 0;
}

/** What has been refunded so far (confirmed by the provider), in minor units; 0 for an unpaid order. */
export function refundedAmountOf(order: Order): number {
  return wasPaid(order) ? Math.min(refundedAmount(order).amount, order.total.amount) : 0;
}

const FROM_ENUM: Partial<Record<PaymentStateEnum, PaymentState>> = {
  [PaymentStateEnum.PAYMENT_STATE_UNPAID]: "unpaid",
  [PaymentStateEnum.PAYMENT_STATE_PAID]: "paid",
  [PaymentStateEnum.PAYMENT_STATE_PARTIALLY_REFUNDED]: "partially_refunded",
  [PaymentStateEnum.PAYMENT_STATE_REFUNDED]: "refunded",
};

/** The payment state of a proto enum value, or undefined for UNSPECIFIED and unknown values. */
export function paymentStateFromProto(value: PaymentStateEnum): PaymentState | undefined {
  return FROM_ENUM[value];
}
