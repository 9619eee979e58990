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
} from "../../common/gen/oms/orders/v1/orders.ts";
import { allowedActions, type OrderAction } from "./actions.ts";

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
}

/** An order as stored under `["orders", id]`. */
export interface Order {
  /** Random, unguessable id (a UUID). */
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

/** The order as its `oms.orders.v1.Order` message, with the actions its state allows now. */
export function orderToProto(order: Order): OrderMessage {
  return {
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
    })),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    allowedActions: allowedActions(order).map((a) => ACTION_TO_ENUM[a]),
    number: order.number ?? 0,
    details: order.details,
    refunds: [],
    notes: [],
  };
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
