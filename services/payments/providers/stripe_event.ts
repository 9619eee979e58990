/**
 * Mapping a Stripe event to the provider event payments handles: one mapping for webhook deliveries
 * and for events read back from the Events API by reconciliation.
 *
 * @module
 */
import type Stripe from "stripe";
import type { ProviderEvent, ProviderEventType } from "./provider.ts";

/**
 * The outcome a Stripe event reports, the same for a webhook delivery and for an event read back from
 * the Events API: `checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` are
 * succeeded, `checkout.session.async_payment_failed` failed, `checkout.session.expired` expired; anything
 * else (and a completed session still awaiting an asynchronous payment) is null.
 */
export function providerEventOf(event: Stripe.Event): ProviderEvent | null {
  let type: ProviderEventType;
  let reason: string | undefined;
  switch (event.type) {
    case "checkout.session.completed":
      if (event.data.object.payment_status === "unpaid") return null; // async payment: wait for its outcome
      type = "succeeded";
      break;
    case "checkout.session.async_payment_succeeded":
      type = "succeeded";
      break;
    case "checkout.session.async_payment_failed":
      type = "failed";
      reason = "The asynchronous payment failed at Stripe";
      break;
    case "checkout.session.expired":
      type = "expired";
      break;
    default:
      return null;
  }
  const session = event.data.object;
  const paymentRef = typeof session.payment_intent === "string"
    ? session.payment_intent
    : session.payment_intent?.id;
  return {
    id: event.id,
    type,
    sessionId: session.id,
    orderId: session.metadata?.order_id ?? session.client_reference_id ?? "",
    ...(paymentRef ? { paymentRef } : {}),
    ...(reason ? { reason } : {}),
  };
}
