/**
 * The payments service: checkout links through a {@linkcode PaymentProvider} port (Stripe Checkout or
 * the local dev provider), provider events handled once, refunds, and the `payment.*` events.
 *
 * @module
 */
export { type PaymentsHandle, pickProvider, start, type StartOptions } from "./service.ts";
export { loadConfig, type PaymentsConfig, type StripeConfig } from "./config.ts";
export type {
  Checkout,
  CheckoutRequest,
  ExpireResult,
  PaymentProvider,
  ProviderEvent,
  ProviderEventType,
  RefundRequest,
} from "./providers/provider.ts";
export { LOCAL_PROVIDER, LocalPaymentProvider } from "./providers/local.ts";
// the Stripe adapter is not re-exported: importing it loads the Stripe SDK; import ./providers/stripe.ts
// where it is really wanted (start() loads it by itself when STRIPE_SECRET_KEY is set)
export { PaymentsApp, type PaymentsDeps } from "./app.ts";
export type { PaymentRecord } from "./domain/lifecycle.ts";
