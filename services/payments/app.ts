/**
 * Payments' use cases: one method per command, query and followed event. The only code that sequences
 * store reads, the calls to the {@linkcode PaymentProvider} port and events. Every change runs in a
 * unit-of-work transaction ({@linkcode Tx}): the commands through {@linkcode UnitOfWork.run} (re-run on
 * a conflict), the followed events in the consumer's operation (the adapter passes `consumerTx(ctx)`),
 * so a payment and the outbox records of the events it implies commit together.
 *
 * Provider calls and retries: a checkout is asked for before its commit, with the order's idempotency
 * key and the parameters fixed in its draft (derived from the order's placing time, or stored), so a
 * retry never makes a second session (two attempts that disagree on the placing time may: only one is
 * ever stored and shown, see `placedCheckoutKey`). A refund made inside a transaction is asked for
 * again when the transaction re-runs; the order's refund idempotency key makes that the same refund.
 *
 * Paid after cancel, exactly one refund: `order.cancelled` writes the cancelled marker with a check on
 * the payment as it read it, and a provider success event moves the payment with a check on the marker
 * as it read it. So either the handler sees the payment succeeded (and refunds it), or the success
 * event sees the marker (and refunds before it commits), never neither.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import { emitAll } from "../common/domain_event.ts";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import type { Money } from "../common/gen/oms/types/v1/types.ts";
import type { Logger } from "../common/log.ts";
import { childOf, effectiveTraceparent } from "../common/trace.ts";
import type { Tx, UnitOfWork } from "../common/unit_of_work.ts";
import * as lifecycle from "./domain/lifecycle.ts";
import type { PaymentRecord } from "./domain/lifecycle.ts";
import {
  cancelledError,
  cancelUrl,
  checkoutExpiry,
  checkoutIdempotencyKey,
  draftUsable,
  mustRefund,
  type OrderToPay,
  type PayableOrder,
  placedCheckoutKey,
  placedDraft,
  refundIdempotencyKey,
  successUrl,
  validateOrder,
} from "./domain/payment.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import type { PaymentProvider, ProviderEvent, ProviderEventType } from "./providers/provider.ts";
import {
  DECLINE_IGNORED_MSG,
  declineLocalPayment,
  declineRateSet,
  FLAG_DECLINE_REASON,
} from "./providers/failure_flags.ts";
import { flags } from "../common/flags/flags.ts";
import { providerCall } from "./providers/traced.ts";
import {
  addCancelled,
  addDraft,
  addHandled,
  addPayment,
  addUpdate,
  type CancelledOrder,
  type CheckoutDraft,
  type EventState,
  type HandledVia,
  listPayments,
  providerEventKey,
  readBySession,
  readCheckoutState,
  readDraft,
  readEventState,
  readPayment,
  readPaymentAndCancelled,
  readSessionOrder,
} from "./store.ts";

/** What the use cases need. */
export interface PaymentsDeps {
  /** Payments' store (reads of the queries). */
  kv: Deno.Kv;
  /** Commits state + events (over the same store). */
  uow: UnitOfWork;
  /** The payment provider adapter. */
  provider: PaymentProvider;
  /** Storefront base URL for checkout return links. */
  publicUrl: string;
  /** Minutes a checkout stays payable. */
  expiryMinutes: number;
  log: Logger;
  /** The clock (tests). */
  now?: () => Date;
}

/** Options carried onto the events a command emits. */
export interface EventOptions {
  /** The W3C traceparent of the request or message that caused the change. */
  traceparent?: string;
}

/** What {@linkcode PaymentsApp.handleProviderEvent} did. */
export interface ApplyResult {
  /** False when this provider event id was handled before. */
  firstDelivery: boolean;
  /** The payment the event is about, after the event; null when no payment has that session. */
  payment: PaymentRecord | null;
  /** True when the event moved the payment's status. */
  changed: boolean;
}

/** What {@linkcode PaymentsApp.refund} did. */
export interface RefundOutcome {
  /** The payment after the refund. */
  payment: PaymentRecord;
  /** The provider's id of this refund. */
  providerRefundId: string;
  /** How much this refund is. */
  amount: Money;
  /** True when the payment is now refunded in full. */
  full: boolean;
}

function outcomeOf(payment: PaymentRecord, providerRefundId: string, amount: Money): RefundOutcome {
  return {
    payment,
    providerRefundId,
    amount,
    full: payment.status === PaymentStatus.PAYMENT_STATUS_REFUNDED,
  };
}

/** The outcome the local pay page chose. */
export type LocalOutcome = ProviderEventType;

function unknownSession(sessionId: string): DomainError {
  return new DomainError("not_found", `Unknown checkout session "${sessionId}"`, { field: "session_id" });
}

function noPayment(orderId: string): DomainError {
  return new DomainError("not_found", `No payment for order "${orderId}"`, { field: "order_id" });
}

/** Payments' use cases over {@linkcode PaymentsDeps}. */
export class PaymentsApp {
  readonly #d: PaymentsDeps;
  readonly #now: () => Date;

  /** Creates the use cases over `deps`. */
  constructor(deps: PaymentsDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** The provider in use. */
  get provider(): PaymentProvider {
    return this.#d.provider;
  }

  #declineIgnoredWarned = false;

  /**
   * Warns once that `paymentDeclineRate` is ignored when it is set and the provider is not the local
   * one (see `providers/failure_flags.ts`). Called only while `flags.enabled`.
   */
  async #declineFlagIgnored(): Promise<void> {
    if (this.#declineIgnoredWarned || this.#d.provider instanceof LocalPaymentProvider) return;
    if (!(await declineRateSet())) return;
    this.#declineIgnoredWarned = true;
    this.#d.log.warn(DECLINE_IGNORED_MSG, { flag: "paymentDeclineRate", provider: this.#d.provider.name });
  }

  /**
   * Returns the order's payment, creating its checkout once: an existing payment is returned as is;
   * otherwise the provider is asked (with the order's idempotency key and parameters fixed on the
   * first attempt) and the payment and its index are committed together. No `payment.link_created`:
   * orders, the caller, has the link from the answer, and when the answer does not reach it, its held
   * `order.created` comes and {@linkcode orderCreated} announces the link. When a concurrent call
   * committed first, its payment is returned. An order payments knows is cancelled is
   * `illegal_transition`.
   */
  async createPaymentLink(order: OrderToPay, options: EventOptions = {}): Promise<PaymentRecord> {
    const { kv, uow, log } = this.#d;
    if (flags.enabled) await this.#declineFlagIgnored();
    const read = await readCheckoutState(kv, order.orderId); // payment, cancelled marker, draft: one read
    if (read.payment.value) return read.payment.value;
    if (read.cancelled.value) throw cancelledError(order.orderId);
    const opened = await this.#checkout(validateOrder(order), read.draft, order.placedAt);
    let attempt = 0;
    return await uow.run(async (tx) => {
      // The first attempt does not read again: its commit checks that the order still has no payment
      // and no cancelled marker (addPayment). When a check fails, the re-run reads what changed.
      if (attempt++ > 0) {
        const now = await readPaymentAndCancelled(tx.kv, order.orderId);
        if (now.payment.value) return now.payment.value; // a concurrent call committed first
        if (now.cancelled.value) throw cancelledError(order.orderId);
      }
      const payment = this.#addOpened(tx, opened, options.traceparent);
      tx.afterCommit(() =>
        log.debug("payment link created", { orderId: payment.orderId, sessionId: payment.sessionId })
      );
      return payment;
    }, "createPaymentLink");
  }

  /**
   * `order.created`, which orders holds back and sends only when the order still had no payment link
   * some seconds after it was placed (payments slow or down, the answer to CreatePaymentLink lost, or
   * orders stopped in between): makes sure the order has its payment and announces its link with
   * `payment.link_created`, in the consumer's `tx`. With no payment yet, the provider is asked first
   * (before the commit, with the draft's idempotency key, so a retry makes no second session). An invalid
   * order is `invalid_argument`. An order already cancelled gets no checkout; a payment no longer open
   * is announced by its outcome, not again here.
   */
  async orderCreated(tx: Tx, order: OrderToPay, traceparent?: string): Promise<void> {
    const read = await readCheckoutState(tx.kv, order.orderId); // payment, cancelled marker, draft
    const existing = read.payment.value;
    if (existing) {
      const events = lifecycle.linkCreated(existing);
      if (events.length === 0) return tx.alreadyApplied?.();
      tx.op.check(read.payment); // announced as read: a payment that moved meanwhile makes this run again
      return emitAll(tx, events, traceparent);
    }
    if (read.cancelled.value) {
      this.#d.log.info("order already cancelled, no checkout made", { orderId: order.orderId });
      return tx.alreadyApplied?.();
    }
    const opened = await this.#checkout(validateOrder(order), read.draft, order.placedAt);
    const payment = this.#addOpened(tx, opened, traceparent);
    emitAll(tx, lifecycle.linkCreated(payment), traceparent);
  }

  /**
   * `order.cancelled`: records in `tx` that the order is cancelled (so no checkout is made for it any
   * more, and a success that arrives later is refunded on arrival), then settles the payment:
   *
   * - open: expires the session at the provider and adds the expiry, without `payment.expired` (its one
   *   listener, orders, has cancelled the order already and would only ignore it). When the provider
   *   reports the session already completed, the payment stays open: its success event is on the way
   *   and, finding the order cancelled, is refunded ({@linkcode handleProviderEvent}).
   * - succeeded (the customer paid before the cancellation reached payments): refunds it through the
   *   provider with the order's refund idempotency key and adds `refunded` and `payment.refunded`.
   *
   * Everything is guarded by the payment as read, so a provider event committing meanwhile makes the
   * commit fail and this run again on the new state; a provider error is retried by the consumer and
   * the idempotency key keeps it one refund.
   */
  async orderCancelled(
    tx: Tx,
    event: { orderId: string; cancelledAt?: Date | undefined },
    meta: { messageId: string; traceparent?: string | undefined },
  ): Promise<void> {
    const { provider, log } = this.#d;
    const { orderId } = event;
    const now = this.#now();
    const { payment: entry, cancelled: marker } = await readPaymentAndCancelled(tx.kv, orderId);
    addCancelled(tx.op, orderId, entry, marker, {
      cancelledAt: event.cancelledAt ?? now,
      messageId: meta.messageId,
    });
    const payment = entry.value;
    if (!payment) return;
    const read = entry as Deno.KvEntry<PaymentRecord>;
    if (payment.status === PaymentStatus.PAYMENT_STATUS_OPEN) {
      const sessionId = payment.sessionId;
      const { expired } = await providerCall(
        provider.name,
        "expire",
        { orderId, sessionId },
        () => provider.expire(sessionId),
      );
      if (!expired) {
        log.warn("order cancelled but its checkout already completed; its payment will be refunded", {
          orderId,
          sessionId,
        });
        return;
      }
      this.#apply(
        tx,
        read,
        lifecycle.expire(payment, `order_cancelled:${meta.messageId}`, now),
        meta.traceparent,
      );
      return;
    }
    if (mustRefund(payment.status, true)) {
      const made = await this.#refundAtProvider(payment);
      this.#apply(
        tx,
        read,
        lifecycle.refund(payment, { providerRefundId: made.refundId, amount: made.amount }, now),
        meta.traceparent,
      );
      log.warn("payment succeeded for a cancelled order: refunded", { orderId, refundId: made.refundId });
    }
  }

  /** The payment of `orderId`; `not_found` when there is none. */
  async getPayment(orderId: string): Promise<PaymentRecord> {
    const entry = await readPayment(this.#d.kv, orderId);
    if (!entry.value) throw noPayment(orderId);
    return entry.value;
  }

  /** The payment whose checkout session is `sessionId`; `not_found` when there is none. */
  async getCheckoutSession(sessionId: string): Promise<PaymentRecord> {
    const entry = await readBySession(this.#d.kv, sessionId);
    if (!entry?.value) throw unknownSession(sessionId);
    return entry.value;
  }

  /** The payment of checkout session `sessionId` and its order's cancelled marker; `not_found` without one. */
  async #readSession(
    sessionId: string,
  ): Promise<{ entry: Deno.KvEntry<PaymentRecord>; cancelled: Deno.KvEntryMaybe<CancelledOrder> }> {
    const orderId = await readSessionOrder(this.#d.kv, sessionId);
    if (orderId === null) throw unknownSession(sessionId);
    const { payment, cancelled } = await readPaymentAndCancelled(this.#d.kv, orderId);
    if (!payment.value) throw unknownSession(sessionId);
    return { entry: payment as Deno.KvEntry<PaymentRecord>, cancelled };
  }

  /**
   * One webhook delivery of `provider`: verified and read by the provider adapter (a bad signature is
   * `invalid_argument` and changes nothing), then handled once per provider event id, in one commit:
   * the event id marked handled (checked unseen), the payment moved from open to the event's outcome,
   * and its event (`payment.succeeded`, `payment.failed` or `payment.expired`). The same event again
   * changes nothing and reports `firstDelivery: false`; an event reaching a payment that is no longer
   * open is marked handled and changes nothing.
   *
   * A success for an order payments knows is cancelled is refunded at once, before the commit: the
   * payment ends `refunded`, and `payment.succeeded` and `payment.refunded` are written together. When
   * the refund fails, nothing is recorded and the provider's retry of the event tries again.
   */
  handleProviderEvent(
    provider: string,
    payload: Uint8Array,
    signature: string,
    options: EventOptions = {},
  ): Promise<ApplyResult> {
    return this.#handle(provider, payload, signature, options);
  }

  /**
   * {@linkcode handleProviderEvent}, given what the caller read just before making the event (`seen`,
   * see {@linkcode PaymentsApp.#applyOnce}).
   */
  async #handle(
    provider: string,
    payload: Uint8Array,
    signature: string,
    options: EventOptions,
    seen?: Omit<EventState, "marker">,
  ): Promise<ApplyResult> {
    if (provider !== this.#d.provider.name) {
      throw new DomainError(
        "invalid_argument",
        `Unknown payment provider "${provider}", this service uses "${this.#d.provider.name}"`,
        { field: "provider" },
      );
    }
    if (flags.enabled) await this.#declineFlagIgnored();
    // a provider event is never rewritten by a failure flag: a success means money moved
    const event = await this.#d.provider.parseEvent(payload, signature);
    if (!event) return { firstDelivery: true, payment: null, changed: false };
    return await this.#applyOnce(event, options, seen);
  }

  /**
   * A provider event this service already trusts — read from a signed webhook delivery by
   * {@linkcode handleProviderEvent}, or from the provider's own API with the secret key by the
   * reconciliation job (`reconcile.ts`) — handled once per provider event id, exactly as described at
   * {@linkcode handleProviderEvent}. This is the one idempotent path every provider outcome takes:
   * the event-id marker is checked unseen and the payment is moved only from open, both in the commit,
   * so a webhook, its retries and any number of reconciliation runs apply an outcome once.
   */
  applyProviderEvent(
    event: ProviderEvent,
    options: EventOptions & { via?: HandledVia } = {},
  ): Promise<ApplyResult> {
    return this.#applyOnce(event, options);
  }

  /**
   * {@linkcode applyProviderEvent}. With `seen` (the payment the event is about and its order's
   * cancelled marker, read by the caller just before it made this event, whose id is fresh), the first
   * attempt uses those entries and an unseen marker instead of reading them again: its commit checks
   * exactly what the reads would have returned, so when anything changed since, the check fails and
   * the re-run reads afresh. The outcome is the one the reads would have given.
   */
  async #applyOnce(
    event: ProviderEvent,
    options: EventOptions & { via?: HandledVia },
    seen?: Omit<EventState, "marker">,
  ): Promise<ApplyResult> {
    const provider = this.#d.provider.name;
    let continued: string | undefined | null = null; // the trace the events continue, fixed on first use
    let given = seen;
    const result = await this.#d.uow.run(async (tx): Promise<ApplyResult> => {
      const state: EventState = given
        ? { ...given, marker: { key: providerEventKey(provider, event.id), value: null, versionstamp: null } }
        : await readEventState(tx.kv, provider, event);
      given = undefined; // a re-run reads
      const { marker, entry } = state;
      if (marker.versionstamp !== null) {
        return { firstDelivery: false, payment: entry?.value ?? null, changed: false };
      }
      if (!entry?.value || !state.cancelled) return { firstDelivery: true, payment: null, changed: false };
      const read = entry as Deno.KvEntry<PaymentRecord>;
      const current = read.value;
      const cancelled = state.cancelled;
      const now = this.#now();
      addHandled(tx.op, provider, event.id, marker, cancelled, {
        orderId: current.orderId,
        type: event.type,
        handledAt: now,
        ...(options.via ? { via: options.via } : {}),
      });
      const change = lifecycle.applyProviderEvent(current, event, now);
      if (!change) {
        tx.op.check(read);
        return { firstDelivery: true, payment: current, changed: false };
      }
      // the events continue the order's trace (linked to this request's span), else the caller's
      if (continued === null) {
        continued = current.traceparent
          ? childOf(current.traceparent, `payment provider event ${event.type}`)
          : options.traceparent;
      }
      let { payment, events } = change;
      if (mustRefund(payment.status, cancelled.value !== null)) {
        const made = await this.#refundAtProvider(payment);
        this.#d.log.warn("payment succeeded for a cancelled order: refunded", {
          orderId: payment.orderId,
          refundId: made.refundId,
          eventId: event.id,
        });
        const refunded = lifecycle.refund(
          payment,
          { providerRefundId: made.refundId, amount: made.amount },
          now,
        );
        payment = refunded.payment;
        events = [...events, ...refunded.events];
      }
      this.#apply(tx, read, { payment, events }, continued);
      return { firstDelivery: true, payment, changed: true };
    }, "handleProviderEvent");
    if (!result.payment) {
      this.#d.log.warn("provider event about an unknown checkout session", {
        provider,
        eventId: event.id,
        sessionId: event.sessionId,
      });
    } else {
      // every payment's webhook/local event: routine, at debug; a redelivered one is worth a line
      this.#d.log[result.firstDelivery ? "debug" : "info"]("provider event handled", {
        provider,
        eventId: event.id,
        type: event.type,
        orderId: result.payment.orderId,
        firstDelivery: result.firstDelivery,
        changed: result.changed,
      });
    }
    return result;
  }

  /**
   * The local pay page's choice for `sessionId`: a signed local provider event that takes the same path
   * as a webhook ({@linkcode handleProviderEvent}). Only with the local provider. Paying for an order
   * payments knows is cancelled is refused (`illegal_transition`): no money moves for it. (In the short
   * window before `order.cancelled` reaches payments the payment goes through and is refunded when it
   * does, as with Stripe, where a completed checkout cannot be refused.)
   */
  async completeLocalCheckout(
    sessionId: string,
    outcome: LocalOutcome,
    options: EventOptions = {},
  ): Promise<PaymentRecord> {
    const provider = this.#d.provider;
    if (!(provider instanceof LocalPaymentProvider)) {
      throw new DomainError(
        "permission_denied",
        `Local checkout is only available with the local provider, this service uses "${provider.name}"`,
      );
    }
    const { entry, cancelled } = await this.#readSession(sessionId);
    const payment = entry.value;
    if (outcome === "succeeded" && cancelled.value) throw cancelledError(payment.orderId);
    // failure flag paymentDeclineRate: the local provider moves no money, so "Pay" may become a decline
    const declined = outcome === "succeeded" && flags.enabled &&
      await declineLocalPayment(payment.orderId, sessionId);
    const signed = await provider.signEvent(
      declined
        ? { type: "failed", sessionId, orderId: payment.orderId, reason: FLAG_DECLINE_REASON }
        : { type: outcome, sessionId, orderId: payment.orderId },
    );
    // the event's id is fresh and it is about the payment just read: handling uses those reads first
    const result = await this.#handle(provider.name, signed.payload, signed.signature, options, {
      entry,
      cancelled,
    });
    return result.payment ?? payment;
  }

  /**
   * Expires, through the local provider's event path, every open local payment whose checkout expired
   * before `now` (Stripe expires its own sessions and says so by webhook). Returns how many expired.
   */
  async expireOverdueLocal(now: Date = this.#now()): Promise<number> {
    if (!(this.#d.provider instanceof LocalPaymentProvider)) return 0;
    let expired = 0;
    for await (const entry of listPayments(this.#d.kv)) {
      const p = entry.value;
      if (
        p.status !== PaymentStatus.PAYMENT_STATUS_OPEN || p.provider !== this.#d.provider.name ||
        !p.expiresAt ||
        p.expiresAt > now
      ) continue;
      const after = await this.completeLocalCheckout(p.sessionId, "expired");
      if (after.status === PaymentStatus.PAYMENT_STATUS_EXPIRED) expired++;
    }
    return expired;
  }

  /**
   * Refunds `options.amount` (unset: whatever is left) of the order's succeeded payment through the
   * provider and commits the refund with `payment.refunded` (amount, `full`, and orders' id of the
   * refund as `requestId`). `options.refundId` is orders' id of the refund and the provider's
   * idempotency key: a refund id already recorded answers that refund again and moves no money; the
   * provider is asked at most once per id by this call, even when the commit re-runs on a conflict (and
   * the key makes a second ask, by a retried call, the same refund at the provider). Without a refund
   * id (older callers) a payment already refunded is returned as is and the order's refund key is
   * used. A payment that is not succeeded is `illegal_transition`; a bad amount `invalid_argument`.
   */
  async refund(
    orderId: string,
    reason: string,
    options: EventOptions & { amount?: Money | undefined; refundId?: string | undefined } = {},
  ): Promise<RefundOutcome> {
    const requestId = options.refundId ?? "";
    if (requestId.length > 128) {
      throw new DomainError(
        "invalid_argument",
        `Refund id must be at most 128 characters, got ${requestId.length}`,
        {
          field: "refund_id",
        },
      );
    }
    let asked: { providerRefundId: string; amount: Money } | undefined; // the provider's answer, once
    return await this.#d.uow.run(async (tx): Promise<RefundOutcome> => {
      const entry = await readPayment(tx.kv, orderId);
      if (!entry.value) throw noPayment(orderId);
      const payment = entry.value;
      const done = lifecycle.refundOfRequest(payment, requestId);
      if (done) return outcomeOf(payment, done.providerRefundId, done.amount);
      if (!requestId && payment.status === PaymentStatus.PAYMENT_STATUS_REFUNDED) {
        return outcomeOf(payment, payment.refundId ?? "", {
          amount: 0,
          currency: payment.amount?.currency ?? "",
        });
      }
      lifecycle.assertRefundable(payment);
      if (!asked) {
        const amount = lifecycle.refundAmount(payment, options.amount);
        const { refundId } = await this.#refundAtProvider(payment, {
          amount,
          reason,
          idempotencyKey: requestId || refundIdempotencyKey(orderId),
        });
        asked = { providerRefundId: refundId, amount };
      }
      const change = lifecycle.refund(payment, { ...asked, requestId, reason }, this.#now());
      this.#apply(tx, entry as Deno.KvEntry<PaymentRecord>, change, options.traceparent);
      const made = asked;
      tx.afterCommit(() =>
        this.#d.log.info("payment refunded", {
          orderId,
          refundId: made.providerRefundId,
          requestId,
          amount: made.amount.amount,
          reason,
        })
      );
      return outcomeOf(change.payment, asked.providerRefundId, asked.amount);
    }, "refund");
  }

  /** Adds `change` of the payment read as `entry` and its events to `tx`. */
  #apply(
    tx: Tx,
    entry: Deno.KvEntry<PaymentRecord>,
    change: lifecycle.PaymentChange,
    traceparent: string | undefined,
  ): void {
    addUpdate(tx.op, entry, change.payment);
    emitAll(tx, change.events, traceparent);
  }

  /** Adds the new payment of `opened` (remembering the order's trace) and its event to `tx`. */
  #addOpened(tx: Tx, opened: lifecycle.PaymentChange, traceparent: string | undefined): PaymentRecord {
    const trace = effectiveTraceparent(traceparent);
    const payment = trace ? { ...opened.payment, traceparent: trace } : opened.payment;
    addPayment(tx.op, payment);
    emitAll(tx, opened.events, traceparent);
    return opened.payment;
  }

  /**
   * Refunds `ask.amount` of `payment` at the provider with `ask.idempotencyKey` (default: the whole rest
   * with the order's refund key, for payments' own refunds of a cancelled order's payment).
   */
  async #refundAtProvider(
    payment: PaymentRecord,
    ask: { amount?: Money; reason?: string; idempotencyKey?: string } = {},
  ): Promise<{ refundId: string; amount: Money }> {
    const { provider } = this.#d;
    const { orderId, sessionId } = payment;
    const amount = ask.amount ?? lifecycle.refundAmount(payment, undefined);
    const { refundId } = await providerCall(
      provider.name,
      "refund",
      { orderId, sessionId },
      () =>
        provider.refund({
          orderId,
          sessionId,
          ...(payment.paymentRef ? { paymentRef: payment.paymentRef } : {}),
          idempotencyKey: ask.idempotencyKey ?? refundIdempotencyKey(orderId),
          amount,
          ...(ask.reason ? { reason: ask.reason } : {}),
        }),
    );
    return { refundId, amount };
  }

  /**
   * The order's checkout draft. With none stored (`read`, as the caller just read it), the one its
   * placing time fixes ({@linkcode placedDraft}) while usable: no commit. Otherwise the stored one
   * while usable, else the next generation, stored now (two racing callers get the same draft); after
   * a placed draft, the first stored one is generation 2, since an attempt may have sent the first.
   */
  #draft(
    orderId: string,
    placedAt: Date | undefined,
    read?: Deno.KvEntryMaybe<CheckoutDraft>,
  ): Promise<CheckoutDraft & { placed?: true }> {
    const placed = read?.value === null
      ? placedDraft(placedAt, this.#now(), this.#d.expiryMinutes)
      : undefined;
    if (placed && draftUsable(placed, this.#now())) return Promise.resolve(placed);
    let given = read; // the caller's read serves the first attempt (its commit checks it); a re-run reads
    return this.#d.uow.run(async (tx) => {
      const found = given ?? await readDraft(tx.kv, orderId);
      given = undefined;
      if (found.value && draftUsable(found.value, this.#now())) return found.value;
      const stale = found.value ?? placed;
      const createdAt = this.#now();
      const generation = (stale?.generation ?? 0) + 1;
      if (stale) {
        this.#d.log.warn("checkout draft went stale, starting a new generation", { orderId, generation });
      }
      const draft = { createdAt, expiresAt: checkoutExpiry(createdAt, this.#d.expiryMinutes), generation };
      addDraft(tx.op, found, orderId, draft);
      return draft;
    }, "checkoutDraft");
  }

  /**
   * Asks the provider for the order's checkout (its draft's parameters and key); the payment to store.
   * `draft` is the draft entry as the caller just read it, if it did; `placedAt` when the order was
   * placed, if the caller knows.
   */
  async #checkout(
    order: PayableOrder,
    draft?: Deno.KvEntryMaybe<CheckoutDraft>,
    placedAt?: Date,
  ): Promise<lifecycle.PaymentChange> {
    const { publicUrl, provider } = this.#d;
    const fixed = await this.#draft(order.orderId, placedAt, draft);
    const checkout = await providerCall(
      provider.name,
      "createCheckout",
      { orderId: order.orderId },
      () =>
        provider.createCheckout({
          orderId: order.orderId,
          customerId: order.customerId,
          items: order.items,
          total: order.total,
          idempotencyKey: fixed.placed
            ? placedCheckoutKey(order.orderId, fixed.createdAt)
            : checkoutIdempotencyKey(order.orderId, fixed.generation),
          successUrl: successUrl(publicUrl, order.orderId),
          cancelUrl: cancelUrl(publicUrl, order.orderId),
          expiresAt: fixed.expiresAt,
        }),
    );
    return lifecycle.open(
      { order, provider: provider.name, checkout, createdAt: fixed.createdAt },
      this.#now(),
    );
  }
}
