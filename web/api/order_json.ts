/**
 * The JSON the gateway shows for orders, payments and catalog items: camelCase, statuses as
 * lowercase words (`waiting_payment`), money as `{amount, currency}` in minor units, times as ISO 8601.
 *
 * @module
 */
import {
  type Order,
  OrderAction,
  type OrderNote,
  type OrderRefund,
  OrderStatus,
  orderStatusToJSON,
  PaymentState,
  paymentStateToJSON,
  type TimelineEntry,
} from "../../services/common/gen/oms/orders/v1/orders.ts";
import { type Payment, paymentStatusToJSON } from "../../services/common/gen/oms/payments/v1/payments.ts";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { LineItem, Money, OrderDetails } from "../../services/common/gen/oms/types/v1/types.ts";

/** Money in minor units (cents). */
export interface MoneyJson {
  /** Minor units. */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
}

/** One priced line of an order. */
export interface LineJson {
  /** Catalog item id. */
  id: string;
  /** Item name at order time. */
  name: string;
  /** Units ordered. */
  quantity: number;
  /** Price of one unit at order time. */
  unitPrice: MoneyJson;
}

/** One step of an order's history. */
export interface TimelineJson {
  /** Status entered. */
  status: string;
  /** When, ISO 8601. */
  at: string | null;
  /** What caused it, e.g. `payment.succeeded`. */
  cause: string;
  /** Trace id of the request or message that caused it. */
  traceId: string;
  /** The staff member who did it ("" for the customer or the system; staff views only). */
  actor?: string;
}

/** A staff note on an order. */
export interface NoteJson {
  /** Note id. */
  id: string;
  /** When it was written, ISO 8601. */
  at: string | null;
  /** The staff member who wrote it ("" in customers' views). */
  author: string;
  /** The text. */
  text: string;
  /** Shown to the customer too (otherwise internal to staff). */
  visibleToCustomer: boolean;
}

/** A refund of an order. */
export interface RefundJson {
  /** Orders' id of the refund. */
  id: string;
  /** How much. */
  amount: MoneyJson;
  /** Why. */
  reason: string;
  /** The staff member who asked for it ("" in customers' views). */
  by: string;
  /** When it was asked for, ISO 8601. */
  at: string | null;
  /** The provider's refund id; "" while in flight. */
  providerRefundId: string;
}

/**
 * Something that may be done to an order now (orders' state machine decides; see `allowedActions` of
 * {@linkcode OrderJson}): the customer may `pay` and `cancel`, staff `cancel`, `refund` and `complete`.
 */
export type OrderActionName = "cancel" | "pay" | "complete" | "refund";

/** Who an order is for and when they collect it, as given at checkout. */
export interface OrderDetailsJson {
  /** The customer's name. */
  name: string;
  /** Phone number, "" when only an email was given. */
  phone: string;
  /** Email address, "" when only a phone was given. */
  email: string;
  /** Note for the kitchen, "" for none. */
  note: string;
  /** Requested pickup time, ISO 8601; null for "as soon as possible". */
  pickupAt: string | null;
}

/** An order as the API shows it. */
export interface OrderJson {
  /** Order id (UUID). */
  id: string;
  /** Short number people read ("#1042"); 0 for orders made before numbers existed. */
  number: number;
  /** Owner. */
  customerId: string;
  /** Lowercase status, e.g. `waiting_payment`. */
  status: string;
  /** Priced lines. */
  items: LineJson[];
  /** Sum of the lines. */
  total: MoneyJson;
  /** Checkout link; "" until payments has made one. */
  paymentLink: string;
  /** History, oldest first. */
  timeline: TimelineJson[];
  /** ISO 8601. */
  createdAt: string | null;
  /** ISO 8601. */
  updatedAt: string | null;
  /** The actions allowed in the order's current state, as orders says (cancel, pay, complete, refund). */
  allowedActions: OrderActionName[];
  /** Name, contact, pickup time and note; null when the order has none (API clients may leave them out). */
  details: OrderDetailsJson | null;
  // The four below are always set by `orderJson`; optional in the type so that order fixtures written
  // before they existed stay valid.
  /** `unpaid`, `paid`, `partially_refunded` or `refunded`. */
  paymentState?: string;
  /** Sum of the refunds so far. */
  refunded?: MoneyJson;
  /** The refunds, oldest first. */
  refunds?: RefundJson[];
  /** Staff notes, oldest first (a customer's view has only those visible to them). */
  notes?: NoteJson[];
}

const ACTION_NAMES: Partial<Record<OrderAction, OrderActionName>> = {
  [OrderAction.ORDER_ACTION_CANCEL]: "cancel",
  [OrderAction.ORDER_ACTION_PAY]: "pay",
  [OrderAction.ORDER_ACTION_COMPLETE]: "complete",
  [OrderAction.ORDER_ACTION_REFUND]: "refund",
};

/** The names of `actions` (unknown values, e.g. from a newer orders, are left out). */
export function actionNames(actions: OrderAction[]): OrderActionName[] {
  return actions.flatMap((a) => ACTION_NAMES[a] ?? []);
}

/** `ORDER_STATUS_WAITING_PAYMENT` -> `waiting_payment`. */
export function statusName(status: OrderStatus): string {
  return orderStatusToJSON(status).replace(/^ORDER_STATUS_/, "").toLowerCase();
}

/** True when the order still waits for a payment link (payments was down when it was made). */
export function isPending(order: Order): boolean {
  return order.status === OrderStatus.ORDER_STATUS_PENDING;
}

/** Money, zero in no currency when absent. */
export function moneyJson(m: Money | undefined): MoneyJson {
  return { amount: m?.amount ?? 0, currency: m?.currency ?? "" };
}

function iso(d: Date | undefined): string | null {
  return d ? d.toISOString() : null;
}

/** One line of an order. */
export function lineJson(l: LineItem): LineJson {
  return { id: l.itemId, name: l.name, quantity: l.quantity, unitPrice: moneyJson(l.unitPrice) };
}

function timelineJson(t: TimelineEntry): TimelineJson {
  return {
    status: statusName(t.status),
    at: iso(t.at),
    cause: t.cause,
    traceId: t.traceId,
    actor: t.actor ?? "",
  };
}

/** `PAYMENT_STATE_PARTIALLY_REFUNDED` -> `partially_refunded`; unset -> `unpaid`. */
export function paymentStateName(state: PaymentState | undefined): string {
  if (state === undefined || state === PaymentState.PAYMENT_STATE_UNSPECIFIED) return "unpaid";
  return paymentStateToJSON(state).replace(/^PAYMENT_STATE_/, "").toLowerCase();
}

function noteJson(n: OrderNote): NoteJson {
  return { id: n.id, at: iso(n.at), author: n.author, text: n.text, visibleToCustomer: n.visibleToCustomer };
}

function refundJson(r: OrderRefund): RefundJson {
  return {
    id: r.id,
    amount: moneyJson(r.amount),
    reason: r.reason,
    by: r.by,
    at: iso(r.at),
    providerRefundId: r.providerRefundId,
  };
}

/** An order's details as the API shows them; null for none. */
export function detailsJson(d: OrderDetails | undefined): OrderDetailsJson | null {
  if (!d) return null;
  return { name: d.name, phone: d.phone, email: d.email, note: d.note, pickupAt: iso(d.pickupAt) };
}

/** An order as the API shows it. */
export function orderJson(o: Order): OrderJson {
  return {
    id: o.id,
    number: o.number,
    customerId: o.customerId,
    status: statusName(o.status),
    items: o.items.map(lineJson),
    total: moneyJson(o.total),
    paymentLink: o.paymentLink,
    timeline: o.timeline.map(timelineJson),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    allowedActions: actionNames(o.allowedActions),
    details: detailsJson(o.details),
    paymentState: paymentStateName(o.paymentState),
    refunded: o.refunded ? moneyJson(o.refunded) : { amount: 0, currency: o.total?.currency ?? "" },
    refunds: o.refunds.map(refundJson),
    notes: o.notes.map(noteJson),
  };
}

/** A catalog item as the storefront shows it. */
export interface ProductJson {
  /** Item id. */
  id: string;
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** Unit price. */
  price: MoneyJson;
  /** Units that can still be ordered (0 while it is off the menu). */
  available: number;
  /** True while staff have taken it off the menu ("86"): not available today, whatever its stock. */
  offMenu: boolean;
  /** Menu section, e.g. "Pizzas"; "" lists it under "More". */
  category: string;
  /** Dietary tags: "vegetarian", "vegan", "spicy", "gluten_free". */
  tags: string[];
  /** Allergens it contains (EU names, lowercase), e.g. "gluten", "milk". */
  allergens: string[];
  /** Web path of its picture, e.g. "/menu/margherita.svg"; "" for none. */
  image: string;
  /** Place on the menu, ascending (ties by name). */
  position: number;
}

/** A catalog item. */
export function productJson(i: Item): ProductJson {
  return {
    id: i.id,
    name: i.name,
    description: i.description,
    price: moneyJson(i.price),
    available: i.offMenu ? 0 : i.available,
    offMenu: i.offMenu ?? false,
    category: i.category,
    tags: i.tags,
    allergens: i.allergens,
    image: i.image,
    position: i.position,
  };
}

/**
 * A payment as the API shows it. It has no customer id: the pay endpoint answers whoever holds the
 * checkout session id, which is not proof of a customer.
 */
export interface PaymentJson {
  /** The order paid for. */
  orderId: string;
  /** `stripe` or `local`. */
  provider: string;
  /** Checkout session id. */
  sessionId: string;
  /** Checkout link. */
  url: string;
  /** Lowercase status, e.g. `succeeded`. */
  status: string;
  /** Amount charged. */
  amount: MoneyJson;
  /** ISO 8601. */
  createdAt: string | null;
  /** ISO 8601. */
  expiresAt: string | null;
}

/** A payment. */
export function paymentJson(p: Payment): PaymentJson {
  return {
    orderId: p.orderId,
    provider: p.provider,
    sessionId: p.sessionId,
    url: p.url,
    status: paymentStatusToJSON(p.status).replace(/^PAYMENT_STATUS_/, "").toLowerCase(),
    amount: moneyJson(p.amount),
    createdAt: iso(p.createdAt),
    expiresAt: iso(p.expiresAt),
  };
}
