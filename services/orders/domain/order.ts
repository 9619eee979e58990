/**
 * The order as orders' domain sees it: statuses, timeline entries and the stored record. Pure types and
 * conversions, no I/O.
 *
 * @module
 */
import type { LineItem, Money, OrderDetails } from "../../common/gen/oms/types/v1/types.ts";
import {
  type Order as OrderMessage,
  OrderAction as OrderActionEnum,
  OrderStatus as OrderStatusEnum,
  PaymentState as PaymentStateEnum,
} from "../../common/gen/oms/orders/v1/orders.ts";
import { customerViewOf } from "../../common/order_audience.ts";
import { allowedActions, type OrderAction } from "./actions.ts";
import { type PaymentState, paymentStateOf, refundedAmount } from "./payment_state.ts";

/** Every status an order can have, in happy-path order followed by the two side exits. */
export const ORDER_STATUSES = [
  "pending",
  "waiting_payment",
  "paid",
  "preparing",
  "ready",
  "completed",
  "cancelled",
  "refunded",
] as const;

/** A status of an order. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** One step in an order's history. */
export interface TimelineEntry {
  /** The status the order entered. */
  status: OrderStatus;
  /** When it entered it. */
  at: Date;
  /** What caused it, e.g. `"payment.succeeded"`, `"customer"` or `"admin"`. */
  cause: string;
  /** The W3C trace id of the request or message that caused it ("" when unknown). */
  traceId: string;
  /** The staff member who did it (the verified staff claim's name); absent for the customer or the system. */
  actor?: string;
}

/** A staff note on an order (see `staff_note.ts`). */
export interface OrderNote {
  /** Random id. */
  id: string;
  /** When it was written. */
  at: Date;
  /** The staff member who wrote it (from the verified staff claim). */
  author: string;
  /** 1..1000 characters. */
  text: string;
  /** Shown to the customer too; otherwise internal to staff. */
  visibleToCustomer: boolean;
}

/** A refund staff asked for (see `refund.ts`). */
export interface OrderRefund {
  /** Orders' id of the refund, also the provider call's idempotency key. */
  id: string;
  /** How much, in the order's currency. */
  amount: Money;
  /** Why, as staff said. */
  reason: string;
  /** The staff member who asked for it ("" when only the provider's event told us). */
  by: string;
  /** When it was asked for. */
  at: Date;
  /** The provider's refund id once payments confirmed it; "" while in flight. */
  providerRefundId: string;
}

/** An order as stored under `["orders", id]`. */
export interface Order {
  /**
   * Unguessable id (a UUID): random, or derived from its idempotency key under the store's secret
   * (`order_ids.ts`).
   */
  id: string;
  customerId: string;
  status: OrderStatus;
  /** Priced lines, snapshotted from the stock reservation. */
  items: LineItem[];
  total: Money;
  /** The checkout link, "" until payments made one. */
  paymentLink: string;
  timeline: TimelineEntry[];
  createdAt: Date;
  updatedAt: Date;
  /** Short number people read ("#1042"); absent on orders stored before numbers existed. */
  number?: number;
  /** Name, contact, pickup time and note from checkout; absent when none were given. */
  details?: OrderDetails;
  /** Staff notes, oldest first (absent: none). */
  notes?: OrderNote[];
  /** Refunds staff asked for, oldest first (absent: none). */
  refunds?: OrderRefund[];
}

const TO_ENUM: Record<OrderStatus, OrderStatusEnum> = {
  pending: OrderStatusEnum.ORDER_STATUS_PENDING,
  waiting_payment: OrderStatusEnum.ORDER_STATUS_WAITING_PAYMENT,
  paid: OrderStatusEnum.ORDER_STATUS_PAID,
  preparing: OrderStatusEnum.ORDER_STATUS_PREPARING,
  ready: OrderStatusEnum.ORDER_STATUS_READY,
  completed: OrderStatusEnum.ORDER_STATUS_COMPLETED,
  cancelled: OrderStatusEnum.ORDER_STATUS_CANCELLED,
  refunded: OrderStatusEnum.ORDER_STATUS_REFUNDED,
};

/** The proto enum value of `status`. */
export function statusToProto(status: OrderStatus): OrderStatusEnum {
  return TO_ENUM[status];
}

/** The status of a proto enum value, or undefined for UNSPECIFIED and unknown values. */
export function statusFromProto(value: OrderStatusEnum): OrderStatus | undefined {
  return ORDER_STATUSES.find((s) => TO_ENUM[s] === value);
}

const ACTION_TO_ENUM: Record<OrderAction, OrderActionEnum> = {
  cancel: OrderActionEnum.ORDER_ACTION_CANCEL,
  pay: OrderActionEnum.ORDER_ACTION_PAY,
  complete: OrderActionEnum.ORDER_ACTION_COMPLETE,
  refund: OrderActionEnum.ORDER_ACTION_REFUND,
};

const PAYMENT_STATE_TO_ENUM: Record<PaymentState, PaymentStateEnum> = {
  unpaid: PaymentStateEnum.PAYMENT_STATE_UNPAID,
  paid: PaymentStateEnum.PAYMENT_STATE_PAID,
  partially_refunded: PaymentStateEnum.PAYMENT_STATE_PARTIALLY_REFUNDED,
  refunded: PaymentStateEnum.PAYMENT_STATE_REFUNDED,
};

/** The proto enum value of a payment state. */
export function paymentStateToProto(state: PaymentState): PaymentStateEnum {
  return PAYMENT_STATE_TO_ENUM[state];
}

/**
 * Who reads an order: `staff` see everything; a `customer` sees only the notes visible to customers
 * and no staff names (timeline actors and refund requesters are internal): `customerViewOf` in
 * `services/common/order_audience.ts`, which web applies to the orders it watches as staff too.
 */
export type Audience = "staff" | "customer";

/**
 * The order as its `oms.orders.v1.Order` message for `audience` (a customer unless said otherwise, so
 * a forgotten argument never shows internal notes), with the actions its state allows now, its
 * payment state and what has been refunded.
 */
export function orderToProto(order: Order, audience: Audience = "customer"): OrderMessage {
  const message: OrderMessage = {
    id: order.id,
    customerId: order.customerId,
    status: statusToProto(order.status),
    items: order.items,
    total: order.total,
    paymentLink: order.paymentLink,
    timeline: order.timeline.map((t) => ({
      status: statusToProto(t.status),
      at: t.at,
      cause: t.cause,
      traceId: t.traceId,
      ...(t.actor ? { actor: t.actor } : {}),
    })),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    allowedActions: allowedActions(order).map((a) => ACTION_TO_ENUM[a]),
    number: order.number ?? 0,
    details: order.details,
    paymentState: paymentStateToProto(paymentStateOf(order)),
    refunded: refundedAmount(order),
    refunds: (order.refunds ?? []).map((r) => ({
      id: r.id,
      amount: r.amount,
      reason: r.reason,
      by: r.by,
      at: r.at,
      providerRefundId: r.providerRefundId,
    })),
    notes: (order.notes ?? []).map((n) => ({
      id: n.id,
      at: n.at,
      author: n.author,
      text: n.text,
      visibleToCustomer: n.visibleToCustomer,
    })),
  };
  return audience === "staff" ? message : customerViewOf(message);
}

/** Options of {@linkcode newOrder}. */
export interface NewOrder {
  id: string;
  customerId: string;
  items: LineItem[];
  total: Money;
  at: Date;
  cause: string;
  traceId: string;
  /** The order's short number (see `numbers.ts`). */
  number?: number;
  /** Validated details from checkout. */
  details?: OrderDetails;
}

/** A new pending order whose timeline starts with its creation. */
export function newOrder(o: NewOrder): Order {
  return {
    id: o.id,
    customerId: o.customerId,
    status: "pending",
    items: o.items,
    total: o.total,
    paymentLink: "",
    timeline: [{ status: "pending", at: o.at, cause: o.cause, traceId: o.traceId }],
    createdAt: o.at,
    updatedAt: o.at,
    ...(o.number ? { number: o.number } : {}),
    ...(o.details ? { details: o.details } : {}),
  };
}
