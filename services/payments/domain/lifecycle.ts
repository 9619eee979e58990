/**
 * A payment's changes: each takes the payment as it is and returns the next state with the events it
 * implies, or says nothing changes (a late provider event). A broken rule throws a `DomainError`
 * (`illegal_transition`). Pure: no I/O, no clock (the caller passes `now`).
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { DomainEvent } from "../../common/domain_event.ts";
import { type Payment, PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import type { Checkout, ProviderEvent } from "../providers/provider.ts";
import { canRefund, type PayableOrder, statusName, transition } from "./payment.ts";

/** A payment as stored: the proto `Payment` plus provider references. */
export interface PaymentRecord extends Payment {
  /** The provider's payment reference (Stripe payment intent), once paid. */
  paymentRef?: string;
  /** The provider's refund id, once refunded. */
  refundId?: string;
  /** The provider event that last moved the status. */
  providerEventId?: string;
  /** When the status last changed. */
  updatedAt: Date;
  /**
   * The trace context of the order when the payment was created (the active span, or the caller's
   * traceparent). Provider events continue this trace, so an order stays one trace even though the
   * webhook or pay page request that confirms the payment is a request of its own.
   */
  traceparent?: string;
}

/** A payment's next state and the events it implies. */
export interface PaymentChange {
  payment: PaymentRecord;
  events: DomainEvent[];
}

/** What {@linkcode open} is made from. */
export interface OpenInput {
  /** The validated order. */
  order: PayableOrder;
  /** The provider's name. */
  provider: string;
  /** The provider's checkout session. */
  checkout: Checkout;
  /** When the checkout was first attempted (the draft's time). */
  createdAt: Date;
}

/** A new open payment for the order's checkout, announced by `payment.link_created`. */
export function open(input: OpenInput, now: Date): PaymentChange {
  const { order, checkout } = input;
  const payment: PaymentRecord = {
    orderId: order.orderId,
    customerId: order.customerId,
    provider: input.provider,
    sessionId: checkout.sessionId,
    url: checkout.url,
    status: PaymentStatus.PAYMENT_STATUS_OPEN,
    amount: order.total,
    items: order.items,
    createdAt: input.createdAt,
    expiresAt: checkout.expiresAt,
    updatedAt: now,
  };
  return {
    payment,
    events: [{
      key: "payment.link_created",
      payload: {
        orderId: payment.orderId,
        provider: payment.provider,
        sessionId: payment.sessionId,
        url: payment.url,
        expiresAt: payment.expiresAt,
      },
    }],
  };
}

/**
 * A verified provider event reaching `current`: an open payment moves to the event's outcome,
 * announced by `payment.succeeded`, `payment.failed` or `payment.expired`; any other payment is left
 * as it is (null: the event arrived late).
 */
export function applyProviderEvent(
  current: PaymentRecord,
  event: ProviderEvent,
  now: Date,
): PaymentChange | null {
  const next = transition(current.status, event.type);
  if (next === null) return null;
  const payment: PaymentRecord = {
    ...current,
    status: next,
    providerEventId: event.id,
    updatedAt: now,
    ...(event.paymentRef ? { paymentRef: event.paymentRef } : {}),
  };
  const base = { orderId: current.orderId, sessionId: current.sessionId, providerEventId: event.id };
  const announced: DomainEvent = event.type === "succeeded"
    ? { key: "payment.succeeded", payload: { ...base, amount: current.amount, paidAt: now } }
    : event.type === "failed"
    ? { key: "payment.failed", payload: { ...base, reason: event.reason ?? "The payment failed" } }
    : { key: "payment.expired", payload: base };
  return { payment, events: [announced] };
}

/**
 * Throws `illegal_transition` unless `payment` can be refunded (it succeeded), e.g.
 * `Payment of order "o-1" is open, only a succeeded payment can be refunded`.
 */
export function assertRefundable(payment: PaymentRecord): void {
  if (!canRefund(payment.status)) {
    throw new DomainError(
      "illegal_transition",
      `Payment of order "${payment.orderId}" is ${
        statusName(payment.status)
      }, only a succeeded payment can be refunded`,
    );
  }
}

/** The succeeded `payment` refunded by the provider as `refundId`, announced by `payment.refunded`. */
export function refund(payment: PaymentRecord, refundId: string, now: Date): PaymentChange {
  const updated: PaymentRecord = {
    ...payment,
    status: PaymentStatus.PAYMENT_STATUS_REFUNDED,
    refundId,
    updatedAt: now,
  };
  return {
    payment: updated,
    events: [{
      key: "payment.refunded",
      payload: { orderId: updated.orderId, refundId, amount: updated.amount },
    }],
  };
}

/**
 * The open `payment` expired by payments itself because its order was cancelled (`cause`, e.g.
 * `order_cancelled:<messageId>`). No event: the only listener of `payment.expired` is orders, whose order
 * already is cancelled (that is why it expired), so it would only be delivered to be ignored. Throws
 * `illegal_transition` for a payment that is not open.
 */
export function expire(payment: PaymentRecord, cause: string, now: Date): PaymentChange {
  if (payment.status !== PaymentStatus.PAYMENT_STATUS_OPEN) {
    throw new DomainError(
      "illegal_transition",
      `Payment of order "${payment.orderId}" is ${
        statusName(payment.status)
      }, only an open payment can expire`,
    );
  }
  return {
    payment: {
      ...payment,
      status: PaymentStatus.PAYMENT_STATUS_EXPIRED,
      providerEventId: cause,
      updatedAt: now,
    },
    events: [],
  };
}
