/**
 * When the local payment provider may run. It takes no money and its pay page lets anyone mark a
 * checkout paid, so it is for development: with `OMS_ENV` anything but `development` (unset means
 * production) payments refuses to start on it unless `PAYMENTS_ALLOW_LOCAL_PROVIDER=true` says that a
 * production-like set-up without Stripe (a first try of compose) is meant.
 *
 * @module
 */
import { ConfigError, envBool, envString } from "../common/config.ts";

/** Why the local provider may run: a development environment, or an explicit allowance. */
export type LocalProviderGrant = "development" | "allowed";

/**
 * Returns why the local provider may run in `env`, or throws a {@linkcode ConfigError} naming
 * `PAYMENTS_ALLOW_LOCAL_PROVIDER` that says what to set instead (Stripe's keys).
 */
export function localProviderGrant(env: Record<string, string | undefined>): LocalProviderGrant {
  const allowed = envBool("PAYMENTS_ALLOW_LOCAL_PROVIDER", false, env);
  const omsEnv = envString("OMS_ENV", "production", env);
  if (omsEnv === "development") return "development";
  if (allowed) return "allowed";
  throw new ConfigError(
    "PAYMENTS_ALLOW_LOCAL_PROVIDER",
    `the local payment provider takes no money and lets anyone mark a checkout paid, so it does not run ` +
      `with OMS_ENV="${omsEnv}"${env.OMS_ENV ? "" : " (OMS_ENV unset means production)"}. ` +
      `Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to take payments through Stripe Checkout, ` +
      `or set PAYMENTS_ALLOW_LOCAL_PROVIDER=true to run the local provider anyway (a trial, never a shop), ` +
      `or OMS_ENV=development on a developer's machine`,
  );
}
