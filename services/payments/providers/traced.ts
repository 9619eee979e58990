/**
 * CLIENT spans around payment provider calls (`<provider> <operation>`, e.g. `stripe createCheckout`),
 * so a trace shows the time spent at Stripe (or the local provider) and its failures. The failure flag
 * `paymentProviderLatencyMs` adds its delay inside the span (see `failure_flags.ts`).
 *
 * @module
 */
import { SpanKind } from "@opentelemetry/api";
import { flags } from "../../common/flags/flags.ts";
import { definedAttributes, withSpan } from "../../common/tracing/spans.ts";
import { providerLatency } from "./failure_flags.ts";

/** The provider operations that are traced. */
export type ProviderOperation =
  | "createCheckout"
  | "expire"
  | "refund"
  | "listUndeliveredEvents"
  | "listSettledSessions"
  | "retrieveSession";

/** What a provider call span records besides the provider and operation. */
export interface ProviderCallAttributes {
  /** The order concerned. */
  orderId?: string;
  /** The checkout session concerned. */
  sessionId?: string;
}

/** Runs `call` (a call of `operation` on provider `provider`) inside a CLIENT span. */
export function providerCall<T>(
  provider: string,
  operation: ProviderOperation,
  attributes: ProviderCallAttributes,
  call: () => Promise<T>,
): Promise<T> {
  return withSpan(`${provider} ${operation}`, {
    kind: SpanKind.CLIENT,
    attributes: definedAttributes({
      "peer.service": provider,
      "oms.payment.provider": provider,
      "oms.payment.operation": operation,
      "oms.order.id": attributes.orderId,
      "oms.payment.session_id": attributes.sessionId,
    }),
  }, async () => {
    if (flags.enabled) await providerLatency(operation); // failure flag paymentProviderLatencyMs
    return await call();
  });
}
