/**
 * The payments KV layout and its atomic operations.
 *
 * - `["payments", orderId]` -> {@linkcode PaymentRecord}
 * - `["payments_by_session", sessionId]` -> orderId
 * - `["provider_events", provider, eventId]` -> {@linkcode HandledEvent} (each provider event is handled once)
 * - `["checkout_drafts", orderId]` -> {@linkcode CheckoutDraft} (the checkout parameters fixed before the
 *   provider is first asked, so every retry sends the same parameters with the same idempotency key)
 * - `["cancelled_orders", orderId]` -> {@linkcode CancelledOrder} (payments heard `order.cancelled`: the
 *   order will never be served, so no checkout is made for it any more and a payment that succeeds for
 *   it anyway is refunded)
 *
 * Paid after cancel, exactly one refund: the `order.cancelled` handler writes the cancelled marker with a
 * check on the payment as it read it, and a provider success event moves the payment with a check on
 * the marker as it read it. So either the handler sees the payment succeeded (and refunds it), or the
 * success event sees the marker (and refunds before it commits), never neither; the provider's refund
 * idempotency key (one per order) makes a repeated attempt the same refund.
 *
 * Every change that announces a fact writes its outbox record in the same commit.
 *
 * @module
 */
import { enqueueEvent } from "../common/bus/outbox.ts";
import { childOf, effectiveTraceparent } from "../common/trace.ts";
import { RpcError } from "../common/errors.ts";
import { type Payment, PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import { mustRefund, statusName, transition } from "./domain/payment.ts";
import type { ProviderEvent } from "./providers/provider.ts";

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

/** Checkout parameters fixed once per order. */
export interface CheckoutDraft {
  /** When the first attempt was made. */
  createdAt: Date;
  /** The `expires_at` every attempt sends. */
  expiresAt: Date;
  /** 1 for the first draft; a stale draft is replaced by the next generation, with its own idempotency key. */
  generation: number;
}

/** The marker of a handled provider event. */
export interface HandledEvent {
  /** The order the event was about. */
  orderId: string;
  /** The event's outcome type. */
  type: string;
  /** When it was handled. */
  handledAt: Date;
}

/** The marker of an order payments heard was cancelled. */
export interface CancelledOrder {
  /** When the order was cancelled (from the event). */
  cancelledAt: Date;
  /** The `order.cancelled` message that said so. */
  messageId: string;
}

/** Options carried onto outbox records. */
export interface EventOptions {
  /** The W3C traceparent of the request or message that caused the change. */
  traceparent?: string;
}

/** Options of {@linkcode PaymentStore.applyProviderEvent}. */
export interface ApplyOptions extends EventOptions {
  /**
   * Refunds a payment that just succeeded for an order already cancelled, through the provider (with
   * the order's refund idempotency key), and returns the refund id. Called before the commit; when it
   * throws, nothing is recorded and the provider's retry of the event tries again.
   */
  refundCancelled?: (payment: PaymentRecord) => Promise<string>;
}

const MAX_CONFLICTS = 10;

/** The key of an order's payment. */
export function paymentKey(orderId: string): Deno.KvKey {
  return ["payments", orderId];
}

/** The key of the session index. */
export function sessionKey(sessionId: string): Deno.KvKey {
  return ["payments_by_session", sessionId];
}

/** The key of a handled provider event. */
export function providerEventKey(provider: string, eventId: string): Deno.KvKey {
  return ["provider_events", provider, eventId];
}

/** The key of the marker of a cancelled order. */
export function cancelledOrderKey(orderId: string): Deno.KvKey {
  return ["cancelled_orders", orderId];
}

/** The key of an order's checkout draft. */
export function draftKey(orderId: string): Deno.KvKey {
  return ["checkout_drafts", orderId];
}

/** The proto `Payment` of a stored record (without the provider references). */
export function toPayment(r: PaymentRecord): Payment {
  return {
    orderId: r.orderId,
    customerId: r.customerId,
    provider: r.provider,
    sessionId: r.sessionId,
    url: r.url,
    status: r.status,
    amount: r.amount,
    items: r.items,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
  };
}

/** What {@linkcode PaymentStore.applyProviderEvent} did. */
export interface ApplyResult {
  /** False when this provider event id was handled before. */
  firstDelivery: boolean;
  /** The payment the event is about, after the event; null when no payment has that session. */
  payment: PaymentRecord | null;
  /** True when the event moved the payment's status. */
  changed: boolean;
}

/** The payments store over one Deno KV. */
export class PaymentStore {
  /** Wraps `kv`. */
  constructor(readonly kv: Deno.Kv) {}

  /** The payment of `orderId`, with its versionstamp (null value when there is none). */
  async get(orderId: string): Promise<Deno.KvEntryMaybe<PaymentRecord>> {
    return await this.kv.get<PaymentRecord>(paymentKey(orderId));
  }

  /** The cancelled marker of `orderId`, with its versionstamp (null value when not cancelled). */
  async getCancelled(orderId: string): Promise<Deno.KvEntryMaybe<CancelledOrder>> {
    return await this.kv.get<CancelledOrder>(cancelledOrderKey(orderId));
  }

  /**
   * Adds to `op` that `orderId` is cancelled: the marker (kept as first written) and checks on the
   * payment and the marker as read, so a provider event that moves the payment meanwhile makes this
   * commit fail and the handler run again on what it then finds.
   */
  addCancelled(
    op: Deno.AtomicOperation,
    orderId: string,
    payment: Deno.KvEntryMaybe<PaymentRecord>,
    marker: Deno.KvEntryMaybe<CancelledOrder>,
    value: CancelledOrder,
  ): void {
    op.check(payment).check(marker);
    if (marker.value === null) op.set(cancelledOrderKey(orderId), value);
  }

  /** The payment whose checkout session is `sessionId`, or null. */
  async getBySession(sessionId: string): Promise<Deno.KvEntryMaybe<PaymentRecord> | null> {
    const index = await this.kv.get<string>(sessionKey(sessionId));
    if (index.value === null) return null;
    return await this.get(index.value);
  }

  /**
   * The checkout draft of `orderId`: the stored one while `usable(draft)` holds, else `make(previous)`
   * stored now. Two racing callers get the same draft.
   */
  async draft(
    orderId: string,
    make: (previous: CheckoutDraft | null) => CheckoutDraft,
    usable: (draft: CheckoutDraft) => boolean = () => true,
  ): Promise<CheckoutDraft> {
    for (let i = 0; i < MAX_CONFLICTS; i++) {
      const found = await this.kv.get<CheckoutDraft>(draftKey(orderId));
      if (found.value && usable(found.value)) return found.value;
      const draft = make(found.value);
      const res = await this.kv.atomic().check(found).set(draftKey(orderId), draft, {
        expireIn: 24 * 3600 * 1000,
      }).commit();
      if (res.ok) return draft;
    }
    throw new Error(`Could not store the checkout draft of order "${orderId}"`);
  }

  /**
   * Adds a new payment to `op`: the checks that the order has none yet and is not known cancelled, the
   * payment, its session index, the draft's removal and the outbox record of `payment.link_created`.
   */
  addCreated(op: Deno.AtomicOperation, payment: PaymentRecord, options: EventOptions = {}): void {
    const traceparent = effectiveTraceparent(options.traceparent);
    op.check({ key: paymentKey(payment.orderId), versionstamp: null })
      .check({ key: cancelledOrderKey(payment.orderId), versionstamp: null })
      .set(paymentKey(payment.orderId), traceparent ? { ...payment, traceparent } : payment)
      .set(sessionKey(payment.sessionId), payment.orderId)
      .delete(draftKey(payment.orderId));
    enqueueEvent(op, "payment.link_created", {
      orderId: payment.orderId,
      provider: payment.provider,
      sessionId: payment.sessionId,
      url: payment.url,
      expiresAt: payment.expiresAt,
    }, options);
  }

  /**
   * Stores a new payment (see {@linkcode addCreated}). When another caller stored the order's payment
   * first, returns theirs and `created: false`.
   */
  async create(
    payment: PaymentRecord,
    options: EventOptions = {},
  ): Promise<{ payment: PaymentRecord; created: boolean }> {
    const op = this.kv.atomic();
    this.addCreated(op, payment, options);
    if ((await op.commit()).ok) return { payment, created: true };
    const theirs = await this.get(payment.orderId);
    if (!theirs.value && (await this.getCancelled(payment.orderId)).value) {
      throw cancelledError(payment.orderId);
    }
    if (!theirs.value) throw new Error(`Payment of order "${payment.orderId}" vanished after a conflict`);
    return { payment: theirs.value, created: false };
  }

  /**
   * Handles one verified provider event in one commit: the event id marked handled (checked unseen),
   * the payment moved from open to the event's outcome, and its outbox record (`payment.succeeded`,
   * `payment.failed` or `payment.expired`). The same event again changes nothing and reports
   * `firstDelivery: false`; an event reaching a payment that is no longer open is marked handled and
   * changes nothing.
   *
   * A success for an order payments knows is cancelled is refunded at once (`options.refundCancelled`,
   * before the commit): the payment ends `refunded`, and `payment.succeeded` and `payment.refunded` are
   * written together. The commit checks the cancelled marker as read (see the module doc).
   */
  async applyProviderEvent(
    provider: string,
    event: ProviderEvent,
    options: ApplyOptions = {},
  ): Promise<ApplyResult> {
    const { refundCancelled, ...eventOptions } = options;
    const markerKey = providerEventKey(provider, event.id);
    let continued: EventOptions | undefined;
    for (let i = 0; i < MAX_CONFLICTS; i++) {
      const marker = await this.kv.get<HandledEvent>(markerKey);
      const entry = await this.#find(event);
      if (marker.versionstamp !== null) {
        return { firstDelivery: false, payment: entry?.value ?? null, changed: false };
      }
      if (!entry?.value) return { firstDelivery: true, payment: null, changed: false };
      const current = entry.value;
      const cancelled = await this.getCancelled(current.orderId);
      const now = new Date();
      const op = this.kv.atomic().check(marker).check(entry).check(cancelled).set(
        markerKey,
        {
          orderId: current.orderId,
          type: event.type,
          handledAt: now,
        } satisfies HandledEvent,
      );
      const next = transition(current.status, event.type);
      let updated = current;
      if (next !== null) {
        // the event continues the order's trace (linked to this request's span), else the caller's
        continued ??= current.traceparent
          ? { traceparent: childOf(current.traceparent, `payment provider event ${event.type}`) }
          : eventOptions;
        updated = {
          ...current,
          status: next,
          providerEventId: event.id,
          updatedAt: now,
          ...(event.paymentRef ? { paymentRef: event.paymentRef } : {}),
        };
        const refund = refundCancelled !== undefined && mustRefund(next, cancelled.value !== null);
        if (refund) {
          const refundId = await refundCancelled(updated);
          updated = { ...updated, status: PaymentStatus.PAYMENT_STATUS_REFUNDED, refundId };
        }
        op.set(paymentKey(current.orderId), updated);
        const base = { orderId: current.orderId, sessionId: current.sessionId, providerEventId: event.id };
        if (event.type === "succeeded") {
          enqueueEvent(op, "payment.succeeded", { ...base, amount: current.amount, paidAt: now }, continued);
          if (refund && updated.refundId) {
            enqueueEvent(op, "payment.refunded", {
              orderId: current.orderId,
              refundId: updated.refundId,
              amount: current.amount,
            }, continued);
          }
        } else if (event.type === "failed") {
          enqueueEvent(
            op,
            "payment.failed",
            { ...base, reason: event.reason ?? "The payment failed" },
            continued,
          );
        } else {
          enqueueEvent(op, "payment.expired", base, continued);
        }
      }
      if ((await op.commit()).ok) return { firstDelivery: true, payment: updated, changed: next !== null };
    }
    throw new Error(`Could not record provider event "${event.id}" after ${MAX_CONFLICTS} conflicts`);
  }

  /**
   * Adds to `op` the expiry of an open payment (read as `entry`) and its `payment.expired` record,
   * guarded by `entry`'s versionstamp.
   */
  addExpired(
    op: Deno.AtomicOperation,
    entry: Deno.KvEntry<PaymentRecord>,
    cause: string,
    options: EventOptions = {},
  ): PaymentRecord {
    const current = entry.value;
    if (current.status !== PaymentStatus.PAYMENT_STATUS_OPEN) {
      throw new RpcError(
        "illegal_transition",
        `Payment of order "${current.orderId}" is ${
          statusName(current.status)
        }, only an open payment can expire`,
      );
    }
    const updated: PaymentRecord = {
      ...current,
      status: PaymentStatus.PAYMENT_STATUS_EXPIRED,
      providerEventId: cause,
      updatedAt: new Date(),
    };
    op.check(entry).set(paymentKey(current.orderId), updated);
    enqueueEvent(op, "payment.expired", {
      orderId: current.orderId,
      sessionId: current.sessionId,
      providerEventId: cause,
    }, options);
    return updated;
  }

  /**
   * Marks the succeeded payment read as `entry` refunded with `refundId` and writes `payment.refunded`;
   * returns null when the payment changed since it was read.
   */
  async markRefunded(
    entry: Deno.KvEntry<PaymentRecord>,
    refundId: string,
    options: EventOptions = {},
  ): Promise<PaymentRecord | null> {
    const op = this.kv.atomic();
    const updated = this.addRefunded(op, entry, refundId, options);
    return (await op.commit()).ok ? updated : null;
  }

  /**
   * Adds to `op` marking the succeeded payment read as `entry` refunded with `refundId` and its
   * `payment.refunded` record, guarded by `entry`'s versionstamp; returns the payment as it will be.
   */
  addRefunded(
    op: Deno.AtomicOperation,
    entry: Deno.KvEntry<PaymentRecord>,
    refundId: string,
    options: EventOptions = {},
  ): PaymentRecord {
    const updated: PaymentRecord = {
      ...entry.value,
      status: PaymentStatus.PAYMENT_STATUS_REFUNDED,
      refundId,
      updatedAt: new Date(),
    };
    op.check(entry).set(paymentKey(updated.orderId), updated);
    enqueueEvent(
      op,
      "payment.refunded",
      { orderId: updated.orderId, refundId, amount: updated.amount },
      options,
    );
    return updated;
  }

  async #find(event: ProviderEvent): Promise<Deno.KvEntryMaybe<PaymentRecord> | null> {
    const bySession = await this.getBySession(event.sessionId);
    if (bySession?.value) return bySession;
    if (!event.orderId) return null;
    const byOrder = await this.get(event.orderId);
    return byOrder.value?.sessionId === event.sessionId ? byOrder : null;
  }
}

/** The error of paying, or making a checkout for, an order payments knows is cancelled. */
export function cancelledError(orderId: string): RpcError {
  return new RpcError(
    "illegal_transition",
    `Order "${orderId}" was cancelled; it can no longer be paid`,
    { field: "order_id" },
  );
}
