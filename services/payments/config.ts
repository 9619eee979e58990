/**
 * The payments service configuration, read from environment variables and validated at start.
 *
 * @module
 */
import {
  type CommonConfig,
  commonConfig,
  ConfigError,
  DEFAULT_PORTS,
  envInt,
  envString,
} from "../common/config.ts";
import { storePath } from "../common/kv.ts";
import { type LocalProviderGrant, localProviderGrant } from "./provider_policy.ts";
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

const DAY_MS = 24 * 3600 * 1000;

/** The reconciliation settings `env` asks for (see {@linkcode PaymentsConfig.reconcile}). */
export function reconcileSettings(env: Record<string, string | undefined>): ReconcileSettings {
  return {
    intervalMs: envInt("PAYMENTS_RECONCILE_INTERVAL_MS", 60_000, { min: 0, max: DAY_MS }, env),
    windowMs: envInt("PAYMENTS_RECONCILE_WINDOW_MS", 3 * DAY_MS, { min: 60_000, max: 30 * DAY_MS }, env),
    graceMs: envInt("PAYMENTS_RECONCILE_GRACE_MS", 30_000, { min: 0, max: DAY_MS }, env),
  };
}

/**
 * Reads and validates the configuration; throws {@linkcode ConfigError} naming the bad variable, also
 * when no Stripe key is set and the local provider may not run (see `provider_policy.ts`).
 */
export function loadConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): PaymentsConfig {
  const common = commonConfig(env);
  const publicUrl = httpUrl(
    "PUBLIC_URL",
    envString("PUBLIC_URL", `http://localhost:${DEFAULT_PORTS.web}`, env),
  )
    .replace(/\/+$/, "");
  const secretKey = envString("STRIPE_SECRET_KEY", "", env);
  let stripe: StripeConfig | undefined;
  if (secretKey !== "") {
    const webhookSecret = envString("STRIPE_WEBHOOK_SECRET", "", env);
    if (webhookSecret === "") {
      throw new ConfigError(
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set (the webhook endpoint's signing secret, whsec_...)",
      );
    }
    const apiUrl = envString("STRIPE_API_URL", "", env);
    stripe = { secretKey, webhookSecret, ...(apiUrl ? { apiUrl: httpUrl("STRIPE_API_URL", apiUrl) } : {}) };
  }
  return {
    host: envString("GRPC_HOST", "127.0.0.1", env),
    port: envInt("PAYMENTS_GRPC_PORT", DEFAULT_PORTS.payments, { min: 0, max: 65535 }, env),
    kvPath: storePath("payments", common.dataDir, env),
    publicUrl,
    paymentExpiryMinutes: envInt("PAYMENT_EXPIRY_MINUTES", 30, { min: 30, max: 1440 }, env),
    ...(stripe ? { stripe } : { localProvider: localProviderGrant(env) }),
    reconcile: reconcileSettings(env),
    common,
  };
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `${name} must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(name, `${name} must be an http(s) URL, got "${value}"`);
  }
  return value;
}
