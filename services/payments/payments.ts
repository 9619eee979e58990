/**
 * The payments use cases, shared by the gRPC handlers and the event handlers: they join the
 * {@linkcode PaymentProvider} port and the {@linkcode PaymentStore}.
 *
 * @module
 */
import type { HandlerContext } from "../common/bus/types.ts";
import { RpcError } from "../common/errors.ts";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import type { Logger } from "../common/log.ts";
import {
  cancelUrl,
  canRefund,
  checkoutExpiry,
  checkoutIdempotencyKey,
  draftUsable,
  mustRefund,
  type OrderToPay,
  type PayableOrder,
  refundIdempotencyKey,
  statusName,
  successUrl,
  validateOrder,
} from "./domain/payment.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import type { PaymentProvider, ProviderEventType } from "./providers/provider.ts";
import { providerCall } from "./providers/traced.ts";
import {
  type ApplyResult,
  cancelledError,
  type EventOptions,
  type PaymentRecord,
  type PaymentStore,
} from "./store.ts";

/** What {@linkcode Payments} is built from. */
export interface PaymentsOptions {
  /** Where payments are kept. */
  store: PaymentStore;
  /** The payment provider adapter. */
  provider: PaymentProvider;
  /** Storefront base URL for checkout return links. */
  publicUrl: string;
  /** Minutes a checkout stays payable. */
  expiryMinutes: number;
  /** The service logger. */
  log: Logger;
  /** Called after a commit made outside an event handler that wrote outbox records (kicks the relay). */
  afterCommit?: () => void;
  /** The clock (tests). */
  now?: () => Date;
}

/** The outcome the local pay page chose. */
export type LocalOutcome = ProviderEventType;

/** The payments use cases. */
export class Payments {
  readonly #o: PaymentsOptions;
  readonly #now: () => Date;

  /** Creates the use cases over `options.store` and `options.provider`. */
  constructor(options: PaymentsOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** The provider in use. */
  get provider(): PaymentProvider {
    return this.#o.provider;
  }

  /**
   * Returns the order's payment, creating its checkout once: an existing payment is returned as is;
   * otherwise the provider is asked (with the order's idempotency key and parameters fixed on the
   * first attempt) and the payment, its index and `payment.link_created` are committed together. When a
   * concurrent call committed first, its payment is returned.
   */
  async createPaymentLink(order: OrderToPay, options: EventOptions = {}): Promise<PaymentRecord> {
    const existing = await this.#o.store.get(order.orderId);
    if (existing.value) return existing.value;
    if ((await this.#o.store.getCancelled(order.orderId)).value) throw cancelledError(order.orderId);
    const payment = await this.#checkout(validateOrder(order));
    const { payment: stored, created } = await this.#o.store.create(payment, options);
    if (created) {
      this.#o.afterCommit?.();
      this.#o.log.info("payment link created", { orderId: order.orderId, sessionId: stored.sessionId });
    }
    return stored;
  }

  /**
   * The `order.created` handler's part: when the order has no payment yet, asks the provider (before the
   * commit, with the idempotency key, so a retry never makes a second session) and adds the payment to
   * the consumer's operation. An invalid order is a malformed event. An order already cancelled (its
   * `order.created` was delivered late) gets no checkout.
   */
  async ensurePaymentLinkIn(
    order: OrderToPay,
    ctx: Pick<HandlerContext, "op" | "traceparent">,
  ): Promise<void> {
    const existing = await this.#o.store.get(order.orderId);
    if (existing.value) return;
    if ((await this.#o.store.getCancelled(order.orderId)).value) {
      this.#o.log.info("order already cancelled, no checkout made", { orderId: order.orderId });
      return;
    }
    const payment = await this.#checkout(validateOrder(order));
    this.#o.store.addCreated(ctx.op, payment, ctx.traceparent ? { traceparent: ctx.traceparent } : {});
  }

  /**
   * The `order.cancelled` handler's part. It records that the order is cancelled (so no checkout is made
   * for it any more, and a success that arrives later is refunded on arrival), then settles the payment:
   *
   * - open: expires the session at the provider and adds the expiry (and `payment.expired`). When the
   *   provider reports the session already completed, the payment stays open: its success event is on
   *   the way and, finding the order cancelled, is refunded ({@linkcode handleProviderEvent}).
   * - succeeded (the customer paid before the cancellation reached payments): refunds it through the
   *   provider with the order's refund idempotency key and adds `refunded` and `payment.refunded`.
   *
   * Everything goes into the consumer's operation, guarded by the payment as read, so a provider event
   * committing meanwhile makes the commit fail and this run again on the new state; a provider error is
   * retried by the consumer and the idempotency key keeps it one refund.
   */
  async cancelIn(
    orderId: string,
    ctx: Pick<HandlerContext, "op" | "traceparent" | "messageId">,
    cancelledAt: Date = this.#now(),
  ): Promise<void> {
    const { store, provider, log } = this.#o;
    const entry = await store.get(orderId);
    const marker = await store.getCancelled(orderId);
    store.addCancelled(ctx.op, orderId, entry, marker, { cancelledAt, messageId: ctx.messageId });
    const options = ctx.traceparent ? { traceparent: ctx.traceparent } : {};
    const payment = entry.value;
    if (!payment) return;
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
      store.addExpired(
        ctx.op,
        entry as Deno.KvEntry<PaymentRecord>,
        `order_cancelled:${ctx.messageId}`,
        options,
      );
      return;
    }
    if (mustRefund(payment.status, true)) {
      const refundId = await this.#refundAtProvider(payment);
      store.addRefunded(ctx.op, entry as Deno.KvEntry<PaymentRecord>, refundId, options);
      log.warn("payment succeeded for a cancelled order: refunded", { orderId, refundId });
    }
  }

  /** The payment of `orderId`; `not_found` when there is none. */
  async getPayment(orderId: string): Promise<PaymentRecord> {
    const entry = await this.#o.store.get(orderId);
    if (!entry.value) {
      throw new RpcError("not_found", `No payment for order "${orderId}"`, { field: "order_id" });
    }
    return entry.value;
  }

  /** The payment whose checkout session is `sessionId`; `not_found` when there is none. */
  async getCheckoutSession(sessionId: string): Promise<PaymentRecord> {
    const entry = await this.#o.store.getBySession(sessionId);
    if (!entry?.value) {
      throw new RpcError("not_found", `Unknown checkout session "${sessionId}"`, { field: "session_id" });
    }
    return entry.value;
  }

  /**
   * One webhook delivery of `provider`: verified and read by the provider adapter (a bad signature is
   * `invalid_argument` and changes nothing), then handled once per provider event id.
   */
  async handleProviderEvent(
    provider: string,
    payload: Uint8Array,
    signature: string,
    options: EventOptions = {},
  ): Promise<ApplyResult> {
    if (provider !== this.#o.provider.name) {
      throw new RpcError(
        "invalid_argument",
        `Unknown payment provider "${provider}", this service uses "${this.#o.provider.name}"`,
        { field: "provider" },
      );
    }
    const event = await this.#o.provider.parseEvent(payload, signature);
    if (!event) return { firstDelivery: true, payment: null, changed: false };
    const result = await this.#o.store.applyProviderEvent(provider, event, {
      ...options,
      refundCancelled: async (payment) => {
        const refundId = await this.#refundAtProvider(payment);
        this.#o.log.warn("payment succeeded for a cancelled order: refunded", {
          orderId: payment.orderId,
          refundId,
          eventId: event.id,
        });
        return refundId;
      },
    });
    if (result.changed) this.#o.afterCommit?.();
    if (!result.payment) {
      this.#o.log.warn("provider event about an unknown checkout session", {
        provider,
        eventId: event.id,
        sessionId: event.sessionId,
      });
    } else {
      this.#o.log.info("provider event handled", {
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
    const provider = this.#o.provider;
    if (!(provider instanceof LocalPaymentProvider)) {
      throw new RpcError(
        "permission_denied",
        `Local checkout is only available with the local provider, this service uses "${provider.name}"`,
      );
    }
    const payment = await this.getCheckoutSession(sessionId);
    if (outcome === "succeeded" && (await this.#o.store.getCancelled(payment.orderId)).value) {
      throw cancelledError(payment.orderId);
    }
    const signed = await provider.signEvent({ type: outcome, sessionId, orderId: payment.orderId });
    const result = await this.handleProviderEvent(provider.name, signed.payload, signed.signature, options);
    return result.payment ?? payment;
  }

  /**
   * Expires, through the local provider's event path, every open local payment whose checkout expired
   * before `now` (Stripe expires its own sessions and says so by webhook). Returns how many expired.
   */
  async expireOverdueLocal(now: Date = this.#now()): Promise<number> {
    if (!(this.#o.provider instanceof LocalPaymentProvider)) return 0;
    let expired = 0;
    for await (const entry of this.#o.store.kv.list<PaymentRecord>({ prefix: ["payments"] })) {
      const p = entry.value;
      if (
        p.status !== PaymentStatus.PAYMENT_STATUS_OPEN || p.provider !== this.#o.provider.name ||
        !p.expiresAt ||
        p.expiresAt > now
      ) continue;
      const after = await this.completeLocalCheckout(p.sessionId, "expired");
      if (after.status === PaymentStatus.PAYMENT_STATUS_EXPIRED) expired++;
    }
    return expired;
  }

  /**
   * Refunds the order's succeeded payment through the provider (with the order's refund idempotency key)
   * and commits `refunded` with `payment.refunded`. A payment already refunded is returned as is (a
   * retried call is harmless); any other status is `illegal_transition`.
   */
  async refund(orderId: string, reason: string, options: EventOptions = {}): Promise<PaymentRecord> {
    for (let i = 0; i < 10; i++) {
      const entry = await this.#o.store.get(orderId);
      if (!entry.value) {
        throw new RpcError("not_found", `No payment for order "${orderId}"`, { field: "order_id" });
      }
      const payment = entry.value;
      if (payment.status === PaymentStatus.PAYMENT_STATUS_REFUNDED) return payment;
      if (!canRefund(payment.status)) {
        throw new RpcError(
          "illegal_transition",
          `Payment of order "${orderId}" is ${
            statusName(payment.status)
          }, only a succeeded payment can be refunded`,
        );
      }
      const refundId = await this.#refundAtProvider(payment);
      const updated = await this.#o.store.markRefunded(
        entry as Deno.KvEntry<PaymentRecord>,
        refundId,
        options,
      );
      if (updated) {
        this.#o.afterCommit?.();
        this.#o.log.info("payment refunded", { orderId, refundId, reason });
        return updated;
      }
    }
    throw new Error(`Could not record the refund of order "${orderId}"`);
  }

  /** Refunds `payment` in full at the provider; the order's refund idempotency key makes it one refund. */
  async #refundAtProvider(payment: PaymentRecord): Promise<string> {
    const { provider } = this.#o;
    const { orderId, sessionId } = payment;
    const { refundId } = await providerCall(
      provider.name,
      "refund",
      { orderId, sessionId },
      () =>
        provider.refund({
          orderId,
          sessionId,
          ...(payment.paymentRef ? { paymentRef: payment.paymentRef } : {}),
          idempotencyKey: refundIdempotencyKey(orderId),
        }),
    );
    return refundId;
  }

  async #checkout(order: PayableOrder): Promise<PaymentRecord> {
    const { publicUrl, expiryMinutes, provider, store } = this.#o;
    const draft = await store.draft(order.orderId, (previous) => {
      const createdAt = this.#now();
      const generation = (previous?.generation ?? 0) + 1;
      if (previous) {
        this.#o.log.warn("checkout draft went stale, starting a new generation", {
          orderId: order.orderId,
          generation,
        });
      }
      return { createdAt, expiresAt: checkoutExpiry(createdAt, expiryMinutes), generation };
    }, (d) => draftUsable(d, this.#now()));
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
          idempotencyKey: checkoutIdempotencyKey(order.orderId, draft.generation),
          successUrl: successUrl(publicUrl, order.orderId),
          cancelUrl: cancelUrl(publicUrl, order.orderId),
          expiresAt: draft.expiresAt,
        }),
    );
    return {
      orderId: order.orderId,
      customerId: order.customerId,
      provider: provider.name,
      sessionId: checkout.sessionId,
      url: checkout.url,
      status: PaymentStatus.PAYMENT_STATUS_OPEN,
      amount: order.total,
      items: order.items,
      createdAt: draft.createdAt,
      expiresAt: checkout.expiresAt,
      updatedAt: this.#now(),
    };
  }
}
