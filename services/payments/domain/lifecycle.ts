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
import type { Money } from "../../common/gen/oms/types/v1/types.ts";
import type { Checkout, ProviderEvent } from "../providers/provider.ts";
import { canRefund, type PayableOrder, statusName, transition } from "./payment.ts";

/** A payment as stored: the proto `Payment` plus provider references. */
export interface PaymentRecord extends Payment {
  /** The provider's payment reference (Stripe payment intent), once paid. */
  paymentRef?: string;
  /** The provider's id of the latest refund, once refunded (in part or in full). */
  refundId?: string;
  /** Every refund made, oldest first (absent: none; payments from before partial refunds had one, full). */
  refunds?: PaymentRefund[];
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

/** One refund of a payment. */
export interface PaymentRefund {
  /** Orders' id of the refund (the provider idempotency key); "" for payments' own refunds. */
  requestId: string;
  /** The provider's refund id. */
  providerRefundId: string;
  /** How much. */
  amount: Money;
  /** When it was recorded. */
  at: Date;
  /** Why, as staff said ("" when payments refunded by itself). */
  reason: string;
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

/**
 * A new open payment for the order's checkout. It announces nothing by itself: orders asked for it and
 * has the link from the answer; made from `order.created` (orders did not get it), the use case adds
 * {@linkcode linkCreated}.
 */
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
  return { payment, events: [] };
}

/**
 * `payment.link_created` for an open payment (its link for orders); none for a payment that is no
 * longer open (its outcome is announced on its own).
 */
export function linkCreated(payment: PaymentRecord): DomainEvent[] {
  if (payment.status !== PaymentStatus.PAYMENT_STATUS_OPEN) return [];
  return [{
    key: "payment.link_created",
    payload: {
      orderId: payment.orderId,
      provider: payment.provider,
      sessionId: payment.sessionId,
      url: payment.url,
      expiresAt: payment.expiresAt,
    },
  }];
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

/** The sum of `payment`'s refunds; a legacy refunded payment without records counts in full. */
export function refundedOf(payment: PaymentRecord): number {
  const sum = (payment.refunds ?? []).reduce((n, r) => n + r.amount.amount, 0);
  if (payment.status === PaymentStatus.PAYMENT_STATUS_REFUNDED && sum === 0) {
    return payment.amount?.amount ?? 0;
  }
  return sum;
}

/** What is left to refund of `payment`. */
export function refundableOf(payment: PaymentRecord): number {
  return Math.max(0, (payment.amount?.amount ?? 0) - refundedOf(payment));
}

/** The refund of `requestId` already made for `payment`, if any. */
export function refundOfRequest(payment: PaymentRecord, requestId: string): PaymentRefund | undefined {
  return requestId === "" ? undefined : payment.refunds?.find((r) => r.requestId === requestId);
}

/**
 * The amount of a refund asked for `payment`: `asked` (validated: positive whole minor units, the
 * payment's currency, at most what is left), or everything left when unset. `invalid_argument` names
 * the field (`amount.amount`, `amount.currency`).
 */
export function refundAmount(payment: PaymentRecord, asked: Money | undefined): Money {
  const currency = payment.amount?.currency ?? "";
  const left = refundableOf(payment);
  if (!asked) return { amount: left, currency };
  if (asked.currency.toUpperCase() !== currency.toUpperCase()) {
    throw new DomainError(
      "invalid_argument",
      `Refund currency must be the payment's "${currency}", got "${asked.currency}"`,
      { field: "amount.currency" },
    );
  }
  if (!Number.isSafeInteger(asked.amount) || asked.amount <= 0 || asked.amount > left) {
    throw new DomainError(
      "invalid_argument",
      `Refund amount of order "${payment.orderId}" must be from 1 to ${left} (what is left), got ${asked.amount}`,
      { field: "amount.amount" },
    );
  }
  return { amount: asked.amount, currency };
}

/** What {@linkcode refund} records. */
export interface RefundMade {
  /** The provider's refund id. */
  providerRefundId: string;
  /** How much was refunded. */
  amount: Money;
  /** Orders' id of the refund ("" for payments' own, e.g. a payment for a cancelled order). */
  requestId?: string;
  /** Why. */
  reason?: string;
}

/**
 * The succeeded `payment` refunded by the provider (in part, or in full), announced by
 * `payment.refunded` with the amount, whether the payment is now refunded in full, and orders' id of
 * the refund. Refunded in full, the payment becomes `refunded`; in part, it stays `succeeded`.
 */
export function refund(payment: PaymentRecord, made: RefundMade, now: Date): PaymentChange {
  const requestId = made.requestId ?? "";
  const refunds = [...(payment.refunds ?? []), {
    requestId,
    providerRefundId: made.providerRefundId,
    amount: made.amount,
    at: now,
    reason: made.reason ?? "",
  }];
  const total = payment.amount?.amount ?? 0;
  const full = refunds.reduce((n, r) => n + r.amount.amount, 0) >= total;
  const updated: PaymentRecord = {
    ...payment,
    status: full ? PaymentStatus.PAYMENT_STATUS_REFUNDED : payment.status,
    refundId: made.providerRefundId,
    refunds,
    updatedAt: now,
  };
  return {
    payment: updated,
    events: [{
      key: "payment.refunded",
      payload: {
        orderId: updated.orderId,
        refundId: made.providerRefundId,
        amount: made.amount,
        full,
        ...(requestId ? { requestId } : {}),
      },
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
