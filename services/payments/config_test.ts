import assert from "node:assert/strict";
import { ConfigError } from "../common/config.ts";
import { loadConfig } from "./config.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";

const DEV = { OMS_ENV: "development", OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN };

Deno.test("loadConfig uses the local provider and dev defaults in development", () => {
  const config = loadConfig(DEV);
  assert.equal(config.port, 50053);
  assert.equal(config.publicUrl, "http://localhost:8080");
  assert.equal(config.paymentExpiryMinutes, 30);
  assert.equal(config.kvPath, "./data/payments.kv");
  assert.equal(config.stripe, undefined);
  assert.equal(config.localProvider, "development");
});

Deno.test("loadConfig refuses the local provider when nothing is set (production), naming what to set", () => {
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN }),
    (err) =>
      err instanceof ConfigError && err.variable === "PAYMENTS_ALLOW_LOCAL_PROVIDER" &&
      err.message.includes("STRIPE_SECRET_KEY") && err.message.includes("OMS_ENV"),
  );
  assert.throws(
    () => loadConfig({ OMS_ENV: "production", OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN }),
    ConfigError,
  );
});

Deno.test("loadConfig runs the local provider in production only with PAYMENTS_ALLOW_LOCAL_PROVIDER=true", () => {
  const config = loadConfig({
    OMS_ENV: "production",
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    PAYMENTS_ALLOW_LOCAL_PROVIDER: "true",
  });
  assert.equal(config.stripe, undefined);
  assert.equal(config.localProvider, "allowed");
});

Deno.test("loadConfig needs no allowance for Stripe in production", () => {
  const config = loadConfig({
    OMS_ENV: "production",
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    STRIPE_SECRET_KEY: "sk_live_1",
    STRIPE_WEBHOOK_SECRET: "whsec_1",
  });
  assert.equal(config.stripe?.secretKey, "sk_live_1");
  assert.equal(config.localProvider, undefined);
});

Deno.test("loadConfig reads Stripe settings and strips the trailing slash of PUBLIC_URL", () => {
  const config = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    STRIPE_SECRET_KEY: "sk_test_1",
    STRIPE_WEBHOOK_SECRET: "whsec_1",
    STRIPE_API_URL: "http://127.0.0.1:12111",
    PUBLIC_URL: "https://shop.example/",
    PAYMENTS_KV_PATH: ":memory:",
    PAYMENT_EXPIRY_MINUTES: "60",
  });
  assert.deepEqual(config.stripe, {
    secretKey: "sk_test_1",
    webhookSecret: "whsec_1",
    apiUrl: "http://127.0.0.1:12111",
  });
  assert.equal(config.publicUrl, "https://shop.example");
  assert.equal(config.kvPath, ":memory:");
  assert.equal(config.paymentExpiryMinutes, 60);
});

Deno.test("loadConfig refuses a Stripe key without a webhook secret, naming the variable", () => {
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, STRIPE_SECRET_KEY: "sk_test_1" }),
    (err) => err instanceof ConfigError && err.variable === "STRIPE_WEBHOOK_SECRET",
  );
});

Deno.test("loadConfig refuses an expiry Stripe would reject and a PUBLIC_URL that is not a URL", () => {
  assert.throws(
    () => loadConfig({ ...DEV, PAYMENT_EXPIRY_MINUTES: "10" }),
    /PAYMENT_EXPIRY_MINUTES must be an integer from 30 to 1440/,
  );
  assert.throws(() => loadConfig({ ...DEV, PAYMENT_EXPIRY_MINUTES: "1441" }), ConfigError);
  assert.throws(
    () => loadConfig({ ...DEV, PUBLIC_URL: "shop" }),
    /PUBLIC_URL must be an http:\/\/ or https:\/\/ URL, got "shop"/,
  );
});

Deno.test("loadConfig reads the reconciliation settings: every minute, three days back, 30 s grace by default; 0 turns it off", () => {
  assert.deepEqual(loadConfig(DEV).reconcile, {
    intervalMs: 60_000,
    windowMs: 3 * 24 * 3600_000,
    graceMs: 30_000,
  });
  const set = loadConfig({
    ...DEV,
    PAYMENTS_RECONCILE_INTERVAL_MS: "0",
    PAYMENTS_RECONCILE_WINDOW_MS: "3600000",
    PAYMENTS_RECONCILE_GRACE_MS: "0",
  });
  assert.deepEqual(set.reconcile, { intervalMs: 0, windowMs: 3_600_000, graceMs: 0 });
  assert.throws(
    () => loadConfig({ ...DEV, PAYMENTS_RECONCILE_WINDOW_MS: String(31 * 24 * 3600_000) }),
    (err) => err instanceof ConfigError && err.variable === "PAYMENTS_RECONCILE_WINDOW_MS",
    "Stripe lists events of 30 days at most",
  );
  assert.throws(
    () => loadConfig({ ...DEV, PAYMENTS_RECONCILE_INTERVAL_MS: "-1" }),
    (err) => err instanceof ConfigError && err.variable === "PAYMENTS_RECONCILE_INTERVAL_MS",
  );
});
