/**
 * Payments' failure flags, at the provider boundary: `paymentProviderLatencyMs` delays every call to
 * the payment provider (create checkout, expire, refund; see `traced.ts`), and `paymentDeclineRate`
 * turns a share of the provider's "succeeded" events into "failed" ones as they are read, so a declined
 * payment takes the path a real decline takes (payment failed, `payment.failed`, the order cancelled
 * and its stock released). Callers check `flags.enabled` first, so flags off cost one boolean check.
 *
 * @module
 */
import { flagFired } from "../../common/flags/fired.ts";
import { flagFires, flags } from "../../common/flags/flags.ts";
import type { ProviderEvent } from "./provider.ts";

/** The reason a payment declined by `paymentDeclineRate` carries. */
export const FLAG_DECLINE_REASON = "Declined on purpose (failure flag paymentDeclineRate)";

/** Waits `paymentProviderLatencyMs` before a provider call `operation` (when it is set). */
export async function providerLatency(operation: string): Promise<void> {
  const ms = await flags.number("paymentProviderLatencyMs");
  if (ms <= 0) return;
  flagFired("paymentProviderLatencyMs", { operation, ms });
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** `event`, or, when `paymentDeclineRate` fires for a success, the same event as a decline. */
export async function declineByFlag(event: ProviderEvent): Promise<ProviderEvent> {
  if (event.type !== "succeeded" || !(await flagFires("paymentDeclineRate"))) return event;
  flagFired("paymentDeclineRate", { orderId: event.orderId, eventId: event.id });
  const { paymentRef: _taken, ...rest } = event; // a declined payment took no money
  return { ...rest, type: "failed", reason: FLAG_DECLINE_REASON };
}
