/**
 * The payments facade: the local provider's checkout (read and complete) and provider webhooks.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type {
  LocalOutcome,
  Payment,
  PaymentsServiceClient,
} from "../../services/common/gen/oms/payments/v1/payments.ts";
import { type Caller, caller, type CallOptsSource, present } from "./call.ts";

/** The payments service, for one request. */
export class PaymentsGateway {
  readonly #call: Caller<PaymentsServiceClient>;

  /** A facade over `client` whose calls carry the options from `opts`. */
  constructor(client: PaymentsServiceClient, opts: CallOptsSource) {
    this.#call = caller("payments", client, opts);
  }

  /** The payment of the local provider's checkout session `sessionId` (with what it pays for). */
  async checkoutSession(sessionId: string): Promise<Payment> {
    return present((await this.#call("getCheckoutSession", { sessionId })).payment, "payment");
  }

  /** Completes the local checkout `sessionId` as paid, declined or expired; the payment afterwards. */
  async completeLocalCheckout(sessionId: string, outcome: LocalOutcome): Promise<Payment> {
    const res = await this.#call("completeLocalCheckout", { sessionId, outcome });
    return present(res.payment, "payment");
  }

  /**
   * Hands a provider's webhook delivery (the exact bytes received and its signature header) to
   * payments; `firstDelivery` is false for an event handled before.
   */
  async handleProviderEvent(
    provider: string,
    body: Uint8Array,
    signature: string,
  ): Promise<{ firstDelivery: boolean }> {
    const payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const res = await this.#call("handleProviderEvent", { provider, payload, signature });
    return { firstDelivery: res.firstDelivery };
  }
}
