/**
 * Pure payment rules: what a payable order looks like, how a payment's status moves, and the
 * storefront URLs a checkout returns to. No I/O.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import { PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import type { LineItem, Money } from "../../common/gen/oms/types/v1/types.ts";
import type { ProviderEventType } from "../providers/provider.ts";

/** An order to be paid, validated. */
export interface PayableOrder {
  /** The order id. */
  orderId: string;
  /** The customer who placed it. */
  customerId: string;
  /** At least one priced line. */
  items: LineItem[];
  /** The sum of the lines. */
  total: Money;
}

/** The order fields of a `CreatePaymentLink` request or an `order.created` event. */
export interface OrderToPay {
  /** The order id. */
  orderId: string;
  /** The customer who placed it. */
  customerId: string;
  /** The priced lines. */
  items: LineItem[];
  /** The total, when given. */
  total: Money | undefined;
  /** When the order was placed, when given: fixes its first checkout draft (see {@linkcode placedDraft}). */
  placedAt?: Date | undefined;
}

/**
 * Checks that `order` can be charged: an id, at least one line, positive quantities and prices in one
 * currency, and a total equal to the sum of the lines (the provider charges the lines).
 * Throws an `invalid_argument` {@linkcode DomainError} naming the field at fault.
 */
export function validateOrder(order: OrderToPay): PayableOrder {
  if (order.orderId.trim() === "") {
    throw new DomainError("invalid_argument", "Order id is required", { field: "order_id" });
  }
  if (order.items.length === 0) {
    throw new DomainError("invalid_argument", `Order "${order.orderId}" has no items to pay for`, {
      field: "items",
    });
  }
  const total = order.total;
  if (!total || !/^[A-Za-z]{3}$/.test(total.currency)) {
    throw new DomainError(
      "invalid_argument",
      `Total currency must be a 3-letter ISO 4217 code, got "${total?.currency ?? ""}"`,
      { field: "total.currency" },
    );
  }
  let sum = 0;
  order.items.forEach((item, i) => {
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
      throw new DomainError(
        "invalid_argument",
        `Quantity of "${item.itemId}" must be positive, got ${item.quantity}`,
        {
          field: `items[${i}].quantity`,
        },
      );
    }
    const price = item.unitPrice;
    if (!price || !Number.isSafeInteger(price.amount) || price.amount <= 0) {
      throw new DomainError(
        "invalid_argument",
        `Unit price of "${item.itemId}" must be a positive amount in minor units, got ${
          price?.amount ?? "none"
        }`,
        { field: `items[${i}].unit_price.amount` },
      );
    }
    if (price.currency.toUpperCase() !== total.currency.toUpperCase()) {
      throw new DomainError(
        "invalid_argument",
        `Unit price of "${item.itemId}" is in "${price.currency}", the total in "${total.currency}"`,
        { field: `items[${i}].unit_price.currency` },
      );
    }
    sum += price.amount * item.quantity;
  });
  if (sum !== total.amount) {
    throw new DomainError(
      "invalid_argument",
      `Total ${total.amount} does not match the sum of the items ${sum}`,
      { field: "total.amount" },
    );
  }
  return { orderId: order.orderId, customerId: order.customerId, items: order.items, total };
}

/** The status a provider event of `type` moves an open payment to. */
export function statusAfter(type: ProviderEventType): PaymentStatus {
  switch (type) {
    case "succeeded":
      return PaymentStatus.PAYMENT_STATUS_SUCCEEDED;
    case "failed":
      return PaymentStatus.PAYMENT_STATUS_FAILED;
    case "expired":
      return PaymentStatus.PAYMENT_STATUS_EXPIRED;
  }
}

/**
 * The status after a provider event of `type` reaches a payment in `current`, or null when the event
 * changes nothing (it arrived late: only an open payment moves).
 */
export function transition(current: PaymentStatus, type: ProviderEventType): PaymentStatus | null {
  return current === PaymentStatus.PAYMENT_STATUS_OPEN ? statusAfter(type) : null;
}

/** True when a payment in `status` can be refunded. */
export function canRefund(status: PaymentStatus): boolean {
  return status === PaymentStatus.PAYMENT_STATUS_SUCCEEDED;
}

/**
 * True when a payment in `status` must be refunded because its order was cancelled: the customer paid
 * (e.g. in a checkout still open at the provider) for an order that will never be served.
 */
export function mustRefund(status: PaymentStatus, orderCancelled: boolean): boolean {
  return orderCancelled && canRefund(status);
}

/** A payment status in words, for messages ("open", "succeeded", ...). */
export function statusName(status: PaymentStatus): string {
  return PaymentStatus[status]?.replace("PAYMENT_STATUS_", "").toLowerCase() ?? String(status);
}

/**
 * The storefront page of an order, where the customer lands after checkout. It carries the order id
 * only: these URLs leave the site (the provider keeps them), and the page knows its customer from the
 * storefront's cookie, never from the URL.
 */
export function orderPageUrl(publicUrl: string, orderId: string): string {
  return `${publicUrl}/orders/${encodeURIComponent(orderId)}`;
}

/** Where the customer lands after paying. */
export function successUrl(publicUrl: string, orderId: string): string {
  return `${orderPageUrl(publicUrl, orderId)}?paid=1`;
}

/** Where the customer lands after leaving the checkout without paying. */
export function cancelUrl(publicUrl: string, orderId: string): string {
  return `${orderPageUrl(publicUrl, orderId)}?cancelled=1`;
}

/**
 * The provider idempotency key of an order's checkout: one order, one session. Generation 1 is
 * `checkout-<orderId>`; a later generation (see {@linkcode draftUsable}) gets its own suffix.
 */
export function checkoutIdempotencyKey(orderId: string, generation = 1): string {
  return generation <= 1 ? `checkout-${orderId}` : `checkout-${orderId}-g${generation}`;
}

/** The shortest time ahead Stripe accepts for a checkout's `expires_at` (30 minutes). */
export const MIN_PROVIDER_EXPIRY_MS = 30 * 60_000;

/**
 * True while a draft's `expiresAt` is still far enough ahead of `now` for the provider to accept it.
 * A draft goes stale only when every attempt failed for longer than {@linkcode EXPIRY_LEEWAY_MS}
 * (e.g. Stripe down, then a dead letter replayed later); it is then replaced by a new generation.
 */
export function draftUsable(draft: { expiresAt: Date }, now: Date): boolean {
  return draft.expiresAt.getTime() - now.getTime() >= MIN_PROVIDER_EXPIRY_MS + 5_000;
}

/** How far ahead of payments' clock an order's placing time may be and still fix its checkout's expiry. */
export const MAX_PLACED_AHEAD_MS = 60_000;

/**
 * The first checkout draft (generation 1) of an order placed at `placedAt`, derived rather than stored:
 * created then, expiring `minutes` (+ {@linkcode EXPIRY_LEEWAY_MS}) later. Every attempt for the order
 * derives the same one from the same placing time (orders sends it with `CreatePaymentLink` and in
 * `order.created`), so none has to be committed before the provider is asked; its provider key names
 * the time ({@linkcode placedCheckoutKey}). Once it is no longer
 * usable ({@linkcode draftUsable}), the next draft is generation 2, stored: an attempt may have sent
 * this one. Undefined (a draft is stored from generation 1, as for an order of unknown age) when the
 * time is missing, not a date, or more than {@linkcode MAX_PLACED_AHEAD_MS} ahead of `now`.
 */
export function placedDraft(
  placedAt: Date | undefined,
  now: Date,
  minutes: number,
): { createdAt: Date; expiresAt: Date; generation: number; placed: true } | undefined {
  const at = placedAt?.getTime();
  if (at === undefined || !Number.isFinite(at) || at > now.getTime() + MAX_PLACED_AHEAD_MS) return undefined;
  return {
    createdAt: new Date(at),
    expiresAt: checkoutExpiry(new Date(at), minutes),
    generation: 1,
    placed: true,
  };
}

/**
 * The provider idempotency key of a checkout made from a {@linkcode placedDraft}:
 * `checkout-<orderId>-at<placing time in ms>`. The placing time is in the key because it fixes the
 * parameters: attempts that agree on it send the same request under the same key (one session), and
 * two that do not (a CreateOrder retried after orders and payments both stopped mid-checkout, so the
 * retry placed the order anew) make two sessions rather than a provider error for a key reused with
 * other parameters. Only one payment is ever stored and its link shown; the other session expires
 * unused. Never the key of a stored draft ({@linkcode checkoutIdempotencyKey}).
 */
export function placedCheckoutKey(orderId: string, placedAt: Date): string {
  return `checkout-${orderId}-at${placedAt.getTime()}`;
}

/** The provider idempotency key of an order's refund: one payment, one refund. */
export function refundIdempotencyKey(orderId: string): string {
  return `refund-${orderId}`;
}

/** Extra time on top of the configured expiry, so the provider (whose clock reads a little later) still sees at least the minimum Stripe accepts (30 minutes). */
export const EXPIRY_LEEWAY_MS = 60_000;

/**
 * When a checkout first attempted at `now` stops being payable: `minutes` later, plus
 * {@linkcode EXPIRY_LEEWAY_MS}. Computed once per order and kept, so every retry sends the provider the
 * same parameters with the same idempotency key.
 */
export function checkoutExpiry(now: Date, minutes: number): Date {
  return new Date(now.getTime() + minutes * 60_000 + EXPIRY_LEEWAY_MS);
}

/** The error of paying, or making a checkout for, an order payments knows is cancelled. */
export function cancelledError(orderId: string): DomainError {
  return new DomainError(
    "illegal_transition",
    `Order "${orderId}" was cancelled; it can no longer be paid`,
    { field: "order_id" },
  );
}
