/**
 * Payments' failure flags, at the provider boundary: `paymentProviderLatencyMs` delays every call to
 * the payment provider (create checkout, expire, refund; see `traced.ts`), and `paymentDeclineRate`
 * declines a share of payments, only where no money moves: with the local provider, the pay page's
 * "Pay" becomes a decline before any provider event is made (`PaymentsApp.completeLocalCheckout`), so
 * the payment takes the path a real decline takes (payment failed, `payment.failed`, the order
 * cancelled and its stock released).
 *
 * With a provider that moves money (Stripe) `paymentDeclineRate` is ignored, and a warning says so once:
 * a provider's success event means the customer has been charged, so rewriting it into a failure would
 * cancel a paid order and refund nothing. Callers check `flags.enabled` first, so flags off cost one
 * boolean check.
 *
 * @module
 */
import { flagFired } from "../../common/flags/fired.ts";
import { flagFires, flags } from "../../common/flags/flags.ts";

/** The reason a payment declined by `paymentDeclineRate` carries. */
export const FLAG_DECLINE_REASON = "Declined on purpose (failure flag paymentDeclineRate)";

/** The warning logged once when `paymentDeclineRate` is set with a provider that moves money. */
export const DECLINE_IGNORED_MSG = "failure flag paymentDeclineRate ignored: it acts only with the local " +
  "provider; with a real provider a success means the customer was charged, and declining it then " +
  "would cancel a paid order without a refund";

/** Waits `paymentProviderLatencyMs` before a provider call `operation` (when it is set). */
export async function providerLatency(operation: string): Promise<void> {
  const ms = await flags.number("paymentProviderLatencyMs");
  if (ms <= 0) return;
  flagFired("paymentProviderLatencyMs", { operation, ms });
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether `paymentDeclineRate` declines the local-provider payment of `orderId` now (counted when it
 * does). Only for the local provider, before its event is made: no money has moved.
 */
export async function declineLocalPayment(orderId: string, sessionId: string): Promise<boolean> {
  if (!(await flagFires("paymentDeclineRate"))) return false;
  flagFired("paymentDeclineRate", { orderId, sessionId });
  return true;
}

/** True when `paymentDeclineRate` is set (above 0), for the warning that it is ignored. */
export async function declineRateSet(): Promise<boolean> {
  return (await flags.number("paymentDeclineRate")) > 0;
}
