/**
 * The local payment provider for dev: no money moves. A checkout is a page of the storefront
 * (`${PUBLIC_URL}/pay/${sessionId}`) whose Pay / Decline / Let it expire buttons call
 * `CompleteLocalCheckout`; that signs a local provider event with this process's secret and sends it
 * through the same verification and handling path as a Stripe webhook.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { RpcError } from "../../common/errors.ts";
import type {
  Checkout,
  CheckoutRequest,
  ExpireResult,
  PaymentProvider,
  ProviderEvent,
  ProviderEventType,
  RefundRequest,
} from "./provider.ts";

/** The name of the local provider, as stored on payments. */
export const LOCAL_PROVIDER = "local" as const;

const TYPES: readonly ProviderEventType[] = ["succeeded", "failed", "expired"];

function randomId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** A signed local provider event, shaped like a webhook delivery. */
export interface SignedLocalEvent {
  /** The JSON body. */
  payload: Uint8Array;
  /** Hex HMAC-SHA256 of the body with the provider's secret. */
  signature: string;
}

/** The local provider. Sessions live only in this process; the store keeps what matters. */
export class LocalPaymentProvider implements PaymentProvider {
  /** Always "local". */
  readonly name: string = LOCAL_PROVIDER;
  readonly #publicUrl: string;
  /** The HMAC-SHA256 secret: random, made once per process (node:crypto's HMAC is synchronous and cheap). */
  readonly #key: Buffer = randomBytes(32);
  readonly #sessions = new Map<string, Checkout>();
  readonly #refunds = new Map<string, { refundId: string; amount: string }>();
  /** How many refunds this provider made (a repeated idempotency key makes none). */
  refundsMade = 0;

  /** Creates the provider; pay-page URLs start with `publicUrl`. */
  constructor(publicUrl: string) {
    this.#publicUrl = publicUrl.replace(/\/+$/, "");
  }

  /** Creates a session with a random id, or returns the one made earlier with the same idempotency key. */
  createCheckout(request: CheckoutRequest): Promise<Checkout> {
    let checkout = this.#sessions.get(request.idempotencyKey);
    if (!checkout) {
      const sessionId = randomId("local_cs");
      checkout = { sessionId, url: `${this.#publicUrl}/pay/${sessionId}`, expiresAt: request.expiresAt };
      this.#sessions.set(request.idempotencyKey, checkout);
    }
    return Promise.resolve(checkout);
  }

  /**
   * Builds and signs the event the pay page's choice stands for, with a fresh event id; a failure
   * carries `event.reason` (default: declined on the pay page).
   */
  // deno-lint-ignore require-await
  async signEvent(
    event: { type: ProviderEventType; sessionId: string; orderId: string; reason?: string },
  ): Promise<SignedLocalEvent> {
    const { reason, ...rest } = event;
    const body: ProviderEvent = {
      id: randomId("local_evt"),
      ...rest,
      ...(event.type === "failed" ? { reason: reason ?? "Declined on the local pay page" } : {}),
    };
    const payload = new TextEncoder().encode(JSON.stringify(body));
    return { payload, signature: this.#mac(payload).toString("hex") };
  }

  /** Verifies an event made by {@linkcode LocalPaymentProvider.signEvent} in this process. */
  // deno-lint-ignore require-await
  async parseEvent(payload: Uint8Array, signature: string): Promise<ProviderEvent | null> {
    // constant-time comparison of the whole MAC, as crypto.subtle.verify does
    const valid = /^[0-9a-f]{64}$/.test(signature) &&
      timingSafeEqual(Buffer.from(signature, "hex"), this.#mac(payload));
    if (!valid) {
      throw new RpcError("invalid_argument", "Invalid local provider signature", { field: "signature" });
    }
    const event = JSON.parse(new TextDecoder().decode(payload)) as ProviderEvent;
    return TYPES.includes(event.type) ? event : null;
  }

  /** The HMAC-SHA256 of `payload` with this process's secret. */
  #mac(payload: Uint8Array): Buffer {
    return createHmac("sha256", this.#key).update(payload).digest();
  }

  /** Nothing to do: a local session is payable until the store says otherwise. */
  expire(_sessionId: string): Promise<ExpireResult> {
    return Promise.resolve({ expired: true });
  }

  /**
   * Records a refund id, the same one for the same idempotency key (and then the same amount: another
   * amount under a used key is refused, as Stripe refuses other parameters). No money moves; payments
   * checks the amount against what is left.
   */
  refund(request: RefundRequest): Promise<{ refundId: string }> {
    const amount = request.amount ? `${request.amount.amount} ${request.amount.currency}` : "rest";
    const seen = this.#refunds.get(request.idempotencyKey);
    if (seen) {
      if (seen.amount !== amount) {
        return Promise.reject(
          new RpcError(
            "invalid_argument",
            `Refund key "${request.idempotencyKey}" was used for ${seen.amount}, not ${amount}`,
            { field: "amount" },
          ),
        );
      }
      return Promise.resolve({ refundId: seen.refundId });
    }
    const refundId = randomId("local_re");
    this.#refunds.set(request.idempotencyKey, { refundId, amount });
    this.refundsMade++;
    return Promise.resolve({ refundId });
  }
}
