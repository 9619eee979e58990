/**
 * Whether and how much of an order has been paid and refunded, derived from what the order records:
 * its timeline (it was paid when it ever entered `paid`) and its refunds (the `refunded` sum when the
 * order carries one, else the whole total once its status is `refunded`). Pure; shared by search,
 * figures and (slice "detail") the order's proto.
 *
 * @module
 */
import type { Money } from "../../common/gen/oms/types/v1/types.ts";
import { PaymentState } from "../../common/gen/oms/orders/v1/orders.ts";
import type { Order } from "./order.ts";

/** Every payment state, in display order. */
export const PAYMENT_STATES = ["unpaid", "paid", "partially_refunded", "refunded"] as const;

/** A payment state of an order. */
export type PaymentStateName = (typeof PAYMENT_STATES)[number];

/** An order as stored, possibly carrying the sum refunded so far (partial refunds). */
export type OrderWithRefunds = Order & { refunded?: Money };

/** True when the order was ever paid (a payment noted on a cancelled order is refunded, so it is not). */
export function wasPaid(order: Pick<Order, "timeline">): boolean {
  return order.timeline.some((t) => t.status === "paid");
}

/** What the customer paid, in minor units of the order's currency (0 when unpaid). */
export function paidAmountOf(order: Order): number {
  return wasPaid(order) ? order.total.amount : 0;
}

/** What has been refunded so far, in minor units of the order's currency. */
export function refundedAmountOf(order: OrderWithRefunds): number {
  if (!wasPaid(order)) return 0;
  const refunded = order.refunded;
  if (refunded && Number.isFinite(refunded.amount) && refunded.amount > 0) {
    return Math.min(refunded.amount, order.total.amount);
  }
  return order.status === "refunded" ? order.total.amount : 0;
}

/** The order's payment state. */
export function paymentStateOf(order: OrderWithRefunds): PaymentStateName {
  const paid = paidAmountOf(order);
  if (paid === 0 && !wasPaid(order)) return "unpaid";
  const refunded = refundedAmountOf(order);
  if (refunded === 0) return "paid";
  return refunded >= paid ? "refunded" : "partially_refunded";
}

const TO_ENUM: Record<PaymentStateName, PaymentState> = {
  unpaid: PaymentState.PAYMENT_STATE_UNPAID,
  paid: PaymentState.PAYMENT_STATE_PAID,
  partially_refunded: PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED,
  refunded: PaymentState.PAYMENT_STATE_REFUNDED,
};

/** The proto enum value of `state`. */
export function paymentStateToProto(state: PaymentStateName): PaymentState {
  return TO_ENUM[state];
}

/** The payment state of a proto enum value, or undefined for UNSPECIFIED and unknown values. */
export function paymentStateFromProto(value: PaymentState): PaymentStateName | undefined {
  return PAYMENT_STATES.find((s) => TO_ENUM[s] === value);
}
