/**
 * Every environment variable the payments process reads: its schema (see `../common/env/schema.ts`),
 * with the rules that tie Stripe's keys and the local provider's allowance together.
 *
 * @module
 */
import { ConfigError } from "../common/config.ts";
import { EVERY_PROCESS, EVERY_SERVICE, GRPC_PORTS, KV_PATHS, SHARED } from "../common/env/common_vars.ts";
import { CONNECT_PORTS, METRICS_PORTS } from "../common/env/common_vars.ts";
import { envVar, processEnv } from "../common/env/schema.ts";
import { bool, httpUrl, int, text } from "../common/env/types.ts";
import { localProviderGrant } from "./provider_policy.ts";

const DAY_MS = 24 * 3600 * 1000;

/** Payments' configuration schema. */
export const PAYMENTS_ENV = processEnv("payments", {
  ...EVERY_PROCESS,
  ...EVERY_SERVICE,
  PAYMENTS_GRPC_PORT: GRPC_PORTS.PAYMENTS_GRPC_PORT,
  PAYMENTS_CONNECT_PORT: CONNECT_PORTS.PAYMENTS_CONNECT_PORT,
  PAYMENTS_KV_PATH: KV_PATHS.PAYMENTS_KV_PATH,
  PAYMENTS_METRICS_PORT: METRICS_PORTS.PAYMENTS_METRICS_PORT,
  OMS_ENV: SHARED.OMS_ENV,
  PUBLIC_URL: SHARED.PUBLIC_URL,
  PAYMENT_EXPIRY_MINUTES: envVar({
    type: int(30, 1440),
    default: "30",
    doc: "minutes a checkout stays payable (30 to 1440, as Stripe requires)",
  }),
  STRIPE_SECRET_KEY: envVar({
    type: text(),
    secret: true,
    defaultDoc: "unset: the local provider (development only)",
    doc: "Stripe's secret API key (`sk_...`): payments go through Stripe Checkout",
  }),
  STRIPE_WEBHOOK_SECRET: envVar({
    type: text(),
    secret: true,
    defaultDoc: "required with `STRIPE_SECRET_KEY`",
    doc: "the Stripe webhook endpoint's signing secret (`whsec_...`)",
  }),
  STRIPE_API_URL: envVar({
    type: httpUrl(),
    defaultDoc: "unset: api.stripe.com",
    doc: "base URL Stripe calls go to instead (a stand-in in tests)",
  }),
  PAYMENTS_ALLOW_LOCAL_PROVIDER: envVar({
    type: bool(),
    default: "false",
    doc: "`true` lets the local provider (no money taken) run outside development",
  }),
  PAYMENTS_RECONCILE_INTERVAL_MS: envVar({
    type: int(0, DAY_MS),
    default: "60000",
    doc: "ms between payment reconciliation runs (Stripe only); `0` turns it off",
  }),
  PAYMENTS_RECONCILE_WINDOW_MS: envVar({
    type: int(60_000, 30 * DAY_MS),
    default: "259200000",
    doc: "how far back a reconciliation run looks at most (3 days: how long Stripe retries webhooks)",
  }),
  PAYMENTS_RECONCILE_GRACE_MS: envVar({
    type: int(0, DAY_MS),
    default: "30000",
    doc: "outcomes younger than this are left to their webhook, which may still be on its way",
  }),
}, [
  (values) =>
    values.STRIPE_SECRET_KEY && !values.STRIPE_WEBHOOK_SECRET
      ? {
        variable: "STRIPE_WEBHOOK_SECRET",
        message: "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set (the webhook endpoint's " +
          "signing secret, whsec_...)",
      }
      : undefined,
  (values, env) => {
    if (values.STRIPE_SECRET_KEY || values.PAYMENTS_ALLOW_LOCAL_PROVIDER === undefined) return undefined;
    try {
      localProviderGrant(env);
      return undefined;
    } catch (err) {
      if (err instanceof ConfigError) return { variable: err.variable, message: err.message };
      throw err;
    }
  },
]);
