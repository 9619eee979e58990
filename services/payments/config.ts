/**
 * The payments service configuration, read from environment variables and validated at start.
 *
 * @module
 */
import { storePath } from "../common/kv.ts";
import { type CommonConfig, commonConfig, DEFAULT_PORTS } from "../common/config.ts";
import { parseEnv } from "../common/env/schema.ts";
import { type LocalProviderGrant, localProviderGrant } from "./provider_policy.ts";
import { PAYMENTS_ENV } from "./env.ts";
import type { ReconcileSettings } from "./reconcile_job.ts";

/** Stripe settings; present only when `STRIPE_SECRET_KEY` is set. */
export interface StripeConfig {
  /** The secret API key (`sk_...`). */
  secretKey: string;
  /** The webhook endpoint's signing secret (`whsec_...`). */
  webhookSecret: string;
  /** A base URL to send API calls to instead of api.stripe.com (a stand-in in tests), or undefined. */
  apiUrl?: string;
}

/** Everything the payments service needs to start. */
export interface PaymentsConfig {
  /** Interface the gRPC server binds to (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`PAYMENTS_GRPC_PORT`, default 50053; 0 picks a free one). */
  port: number;
  /** Connect port (`PAYMENTS_CONNECT_PORT`; unset: gRPC only). */
  connectPort?: number;
  /** Deno KV path (`PAYMENTS_KV_PATH`, else `<DATA_DIR>/payments.kv`). */
  kvPath: string;
  /** Storefront base URL without a trailing slash (`PUBLIC_URL`), for checkout return and pay-page links. */
  publicUrl: string;
  /** Minutes a checkout stays payable (`PAYMENT_EXPIRY_MINUTES`, 30 to 1440 as Stripe requires). */
  paymentExpiryMinutes: number;
  /** Stripe settings, or undefined to use the local payment provider. */
  stripe?: StripeConfig;
  /**
   * Without Stripe: why the local provider may run (`OMS_ENV=development`, or
   * `PAYMENTS_ALLOW_LOCAL_PROVIDER=true` outside development); undefined when set directly (tests).
   */
  localProvider?: LocalProviderGrant;
  /**
   * Payment reconciliation (Stripe only): `PAYMENTS_RECONCILE_INTERVAL_MS` (default 60000, 0 = off),
   * `PAYMENTS_RECONCILE_WINDOW_MS` (default 3 days, at most Stripe's 30 days of events) and
   * `PAYMENTS_RECONCILE_GRACE_MS` (default 30000). Absent (a config built by hand): no reconciliation.
   */
  reconcile?: ReconcileSettings;
  /** Settings every service shares (broker, exchange, data folder). */
  common: CommonConfig;
}

/**
 * Reads the configuration from {@linkcode PAYMENTS_ENV}, the whole environment checked at once; throws a
 * `ConfigError` listing every bad variable, also when no Stripe key is set and the local provider may
 * not run (see `provider_policy.ts`).
 */
export function loadConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): PaymentsConfig {
  const e = parseEnv(PAYMENTS_ENV, env);
  const stripe: StripeConfig | undefined = e.STRIPE_SECRET_KEY
    ? {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET!, // the schema's rule: required with the key
      ...(e.STRIPE_API_URL ? { apiUrl: e.STRIPE_API_URL } : {}),
    }
    : undefined;
  return {
    host: e.GRPC_HOST,
    port: e.PAYMENTS_GRPC_PORT,
    ...(e.PAYMENTS_CONNECT_PORT === undefined ? {} : { connectPort: e.PAYMENTS_CONNECT_PORT }),
    kvPath: storePath("payments", e.DATA_DIR, env),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${DEFAULT_PORTS.web}`).replace(/\/+$/, ""),
    paymentExpiryMinutes: e.PAYMENT_EXPIRY_MINUTES,
    ...(stripe ? { stripe } : { localProvider: localProviderGrant(env) }),
    reconcile: {
      intervalMs: e.PAYMENTS_RECONCILE_INTERVAL_MS,
      windowMs: e.PAYMENTS_RECONCILE_WINDOW_MS,
      graceMs: e.PAYMENTS_RECONCILE_GRACE_MS,
    },
    common: commonConfig(env),
  };
}
