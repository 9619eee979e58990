/**
 * The Stripe adapter of the {@linkcode PaymentProvider} port, on the official `stripe` SDK:
 * Checkout Sessions in `payment` mode with inline `price_data` lines, webhooks verified with the
 * SDK's own `constructEventAsync` (Web Crypto, so it runs on Deno), refunds by payment intent.
 *
 * @module
 */
import Stripe from "stripe";
import { RpcError } from "../../common/errors.ts";
import type { StripeConfig } from "../config.ts";
import type {
  Checkout,
  CheckoutRequest,
  ExpireResult,
  ProviderEvent,
  ProviderListing,
  ProviderSession,
  ReconcilableProvider,
  ReconcileWindow,
  RefundRequest,
} from "./provider.ts";
import { providerEventOf } from "./stripe_event.ts";
import { listSettledSessions, listUndeliveredEvents, providerSessionOf } from "./stripe_lists.ts";

export { providerEventOf };

/** The name of the Stripe provider, as stored on payments. */
export const STRIPE_PROVIDER = "stripe";

/** The SDK options that point it at `apiUrl` (a stand-in) instead of api.stripe.com. */
export function stripeHostOptions(apiUrl: string | undefined): Stripe.StripeConfig {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443,
    protocol,
  };
}

/** Stripe Checkout as a payment provider, reconcilable through Stripe's Events and Checkout Sessions lists. */
export class StripePaymentProvider implements ReconcilableProvider {
  /** Always "stripe". */
  readonly name: string = STRIPE_PROVIDER;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;

  /** Creates the adapter from the service's Stripe settings. */
  constructor(config: StripeConfig) {
    this.#stripe = new Stripe(config.secretKey, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      ...stripeHostOptions(config.apiUrl),
    });
    this.#webhookSecret = config.webhookSecret;
  }

  /**
   * Creates the order's Checkout Session: one `price_data` line per order line, `metadata.order_id` and
   * `client_reference_id` set to the order id, sent with the order's idempotency key so a retry gets
   * the same session back.
   */
  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: "payment",
      line_items: request.items.map((item) => ({
        quantity: item.quantity,
        price_data: {
          currency: (item.unitPrice?.currency ?? request.total.currency).toLowerCase(),
          unit_amount: item.unitPrice?.amount ?? 0,
          product_data: { name: item.name || item.itemId, metadata: { item_id: item.itemId } },
        },
      })),
      client_reference_id: request.orderId,
      metadata: { order_id: request.orderId, customer_id: request.customerId },
      payment_intent_data: { metadata: { order_id: request.orderId } },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      expires_at: Math.floor(request.expiresAt.getTime() / 1000),
    };
    let session: Stripe.Checkout.Session;
    try {
      session = await this.#stripe.checkout.sessions.create(params, {
        idempotencyKey: request.idempotencyKey,
      });
    } catch (err) {
      throw unavailable(`Stripe could not create the checkout of order "${request.orderId}"`, err);
    }
    if (!session.url) {
      throw new RpcError("internal", `Stripe returned checkout session "${session.id}" without a URL`);
    }
    return { sessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
  }

  /**
   * Verifies the `Stripe-Signature` header and maps the event: `checkout.session.completed` (paid) and
   * `checkout.session.async_payment_succeeded` to succeeded, `checkout.session.async_payment_failed` to
   * failed, `checkout.session.expired` to expired; anything else is ignored (null).
   */
  async parseEvent(payload: Uint8Array, signature: string): Promise<ProviderEvent | null> {
    let event: Stripe.Event;
    try {
      if (signature === "") throw new Error("missing signature");
      event = await this.#stripe.webhooks.constructEventAsync(payload, signature, this.#webhookSecret);
    } catch (err) {
      throw new RpcError("invalid_argument", "Invalid Stripe signature", {
        field: "stripe-signature",
        cause: err,
      });
    }
    return providerEventOf(event);
  }

  /** Outcome events of `window` not yet delivered to every webhook endpoint (see `stripe_lists.ts`). */
  listUndeliveredEvents(window: ReconcileWindow): Promise<ProviderListing<ProviderEvent>> {
    return listUndeliveredEvents(this.#stripe, window);
  }

  /** Complete and expired sessions created in `window` (see `stripe_lists.ts`). */
  listSettledSessions(window: ReconcileWindow): Promise<ProviderListing<ProviderSession>> {
    return listSettledSessions(this.#stripe, window);
  }

  /** One session as Stripe has it now (`GET /v1/checkout/sessions/{id}`). */
  async retrieveSession(sessionId: string): Promise<ProviderSession> {
    return providerSessionOf(await this.#stripe.checkout.sessions.retrieve(sessionId));
  }

  /** Expires an open session; a session already expired counts, one already completed is reported. */
  async expire(sessionId: string): Promise<ExpireResult> {
    try {
      await this.#stripe.checkout.sessions.expire(sessionId);
      return { expired: true };
    } catch (err) {
      let session: Stripe.Checkout.Session;
      try {
        session = await this.#stripe.checkout.sessions.retrieve(sessionId);
      } catch {
        throw unavailable(`Stripe could not expire checkout session "${sessionId}"`, err);
      }
      if (session.status === "expired") return { expired: true };
      if (session.status === "complete") return { expired: false };
      throw unavailable(`Stripe could not expire checkout session "${sessionId}"`, err);
    }
  }

  /**
   * Refunds `request.amount` of the session's payment intent (unset: the rest), with the refund's
   * idempotency key; the order, the staff's reason and the key travel in the refund's metadata (Stripe's
   * own `reason` takes only its three codes, so it is left unset).
   */
  async refund(request: RefundRequest): Promise<{ refundId: string }> {
    try {
      let paymentIntent = request.paymentRef;
      if (!paymentIntent) {
        const session = await this.#stripe.checkout.sessions.retrieve(request.sessionId);
        paymentIntent = typeof session.payment_intent === "string"
          ? session.payment_intent
          : session.payment_intent?.id;
      }
      if (!paymentIntent) {
        throw new RpcError(
          "illegal_transition",
          `Checkout session "${request.sessionId}" of order "${request.orderId}" has no payment to refund`,
        );
      }
      const params: Stripe.RefundCreateParams = {
        payment_intent: paymentIntent,
        metadata: {
          order_id: request.orderId,
          refund_request_id: request.idempotencyKey,
          ...(request.reason ? { reason: request.reason.slice(0, 500) } : {}),
        },
        ...(request.amount ? { amount: request.amount.amount } : {}),
      };
      const refund = await this.#stripe.refunds.create(params, { idempotencyKey: request.idempotencyKey });
      return { refundId: refund.id };
    } catch (err) {
      if (err instanceof RpcError) throw err;
      throw unavailable(`Stripe could not refund order "${request.orderId}"`, err);
    }
  }
}

function unavailable(what: string, err: unknown): RpcError {
  const reason = err instanceof Error ? err.message : String(err);
  return new RpcError("unavailable", `${what}: ${reason}`, { cause: err });
}
