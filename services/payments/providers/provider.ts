/**
 * The `PaymentProvider` port: what payments needs from a payment provider (Stripe Checkout, or the
 * local provider in dev). Adapters live beside this file; tests swap adapters, never monkey-patch.
 *
 * @module
 */
import type { LineItem, Money } from "../../common/gen/oms/types/v1/types.ts";

/** What a checkout is created from. */
export interface CheckoutRequest {
  /** The order being paid. */
  orderId: string;
  /** The customer who placed it. */
  customerId: string;
  /** The priced lines; the provider charges their sum. */
  items: LineItem[];
  /** The order total (equal to the sum of the lines). */
  total: Money;
  /** The same key for every attempt of one order, so no order ever gets two sessions. */
  idempotencyKey: string;
  /** Where the customer lands after paying. */
  successUrl: string;
  /** Where the customer lands after giving up. */
  cancelUrl: string;
  /** When the checkout stops being payable. */
  expiresAt: Date;
}

/** A checkout the customer can be sent to. */
export interface Checkout {
  /** The provider's session id. */
  sessionId: string;
  /** The page where the customer pays. */
  url: string;
  /** When the provider will expire the session. */
  expiresAt: Date;
}

/** The outcome a provider event reports. */
export type ProviderEventType = "succeeded" | "failed" | "expired";

/** A verified provider event about one checkout session. */
export interface ProviderEvent {
  /** The provider's event id: the same delivery twice carries the same id. */
  id: string;
  /** What happened to the session. */
  type: ProviderEventType;
  /** The checkout session it is about. */
  sessionId: string;
  /** The order id the session was created for (from its metadata), or "" when unknown. */
  orderId: string;
  /** The provider's payment reference (Stripe: the payment intent id), when known; used for refunds. */
  paymentRef?: string;
  /** Why the payment failed, when the provider says. */
  reason?: string;
}

/** What a refund is made from. */
export interface RefundRequest {
  /** The order being refunded (for messages and the idempotency key). */
  orderId: string;
  /** The checkout session that was paid. */
  sessionId: string;
  /** The provider's payment reference from the success event, when known. */
  paymentRef?: string;
  /** The same key for every attempt, so one refund is never made twice. */
  idempotencyKey: string;
  /** How much (the payment's currency); unset: whatever is left of the payment. */
  amount?: Money;
  /** Why, as staff said (kept with the refund at the provider). */
  reason?: string;
}

/** What {@linkcode PaymentProvider.expire} found. */
export interface ExpireResult {
  /** True when the session is now expired; false when it was already completed (it may have been paid). */
  expired: boolean;
}

/** A payment provider. */
export interface PaymentProvider {
  /** The provider's name as stored on payments and named in `HandleProviderEvent` ("stripe", "local"). */
  readonly name: string;
  /** Creates (or, with the same idempotency key, returns again) the checkout session of an order. */
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  /**
   * Verifies and reads one webhook delivery. Returns null for event types payments ignores; throws an
   * `invalid_argument` {@linkcode import("../../common/errors.ts").RpcError} on field `signature` when
   * the signature is missing or wrong.
   */
  parseEvent(payload: Uint8Array, signature: string): Promise<ProviderEvent | null>;
  /** Expires an open session so it can no longer be paid. */
  expire(sessionId: string): Promise<ExpireResult>;
  /**
   * Refunds `request.amount` (unset: the rest) of a completed session's payment; the same idempotency
   * key returns the same refund and moves no more money.
   */
  refund(request: RefundRequest): Promise<{ refundId: string }>;
}

/** The part of the provider's history one reconciliation run asks about. */
export interface ReconcileWindow {
  /** Only what was created at or after this time. */
  from: Date;
  /** Only events created at or before this time (younger ones may still be on their way as webhooks). */
  until: Date;
  /** At most this many pages of the provider's list API per listing (a bound on one run's calls). */
  maxPages: number;
  /** Aborted (shutdown): a listing asks for no further page and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A checkout session as the provider's list API reports it. */
export interface ProviderSession {
  /** The session id. */
  sessionId: string;
  /** The order id from its metadata, or "" when unknown. */
  orderId: string;
  /** Its outcome as far as the provider knows: null while still open or awaiting an asynchronous payment. */
  outcome: ProviderEventType | null;
  /** The provider's payment reference, once paid. */
  paymentRef?: string;
}

/** A list read from a provider, possibly cut at {@linkcode ReconcileWindow.maxPages}. */
export interface ProviderListing<T> {
  /** The items, oldest first. */
  items: T[];
  /** True when the provider had more than `maxPages` pages (the oldest were not read). */
  truncated: boolean;
}

/**
 * A provider whose own records can be read back, so payments can recover outcomes whose webhook it never
 * received (`reconcile.ts`). Stripe is one; the local provider is not (its outcomes are made in this
 * process by the pay page's call and cannot be lost on the way).
 */
export interface ReconcilableProvider extends PaymentProvider {
  /**
   * The outcome events (the same ones, with the same ids, that webhooks carry) created in `window` whose
   * delivery to some webhook endpoint has not succeeded (failed or still pending).
   */
  listUndeliveredEvents(window: ReconcileWindow): Promise<ProviderListing<ProviderEvent>>;
  /**
   * The sessions created in `window` that reached an outcome (complete or expired) at or before
   * `window.until`: one settled later may still have its webhook on the way.
   */
  listSettledSessions(window: ReconcileWindow): Promise<ProviderListing<ProviderSession>>;
  /** One session as the provider has it now. */
  retrieveSession(sessionId: string): Promise<ProviderSession>;
}

/** True when `provider` can be reconciled. */
export function isReconcilable(provider: PaymentProvider): provider is ReconcilableProvider {
  const p = provider as Partial<ReconcilableProvider>;
  return typeof p.listUndeliveredEvents === "function" && typeof p.listSettledSessions === "function" &&
    typeof p.retrieveSession === "function";
}
