import assert from "node:assert/strict";
import { ConfigError } from "../common/config.ts";
import { localProviderGrant } from "./provider_policy.ts";

Deno.test("the local provider is refused in production, and when OMS_ENV is unset, naming both variables and Stripe's", () => {
  for (
    const env of [{}, { OMS_ENV: "production" }, {
      OMS_ENV: "production",
      PAYMENTS_ALLOW_LOCAL_PROVIDER: "false",
    }]
  ) {
    assert.throws(
      () => localProviderGrant(env),
      (err) =>
        err instanceof ConfigError && err.variable === "PAYMENTS_ALLOW_LOCAL_PROVIDER" &&
        /OMS_ENV="production"/.test(err.message) && /PAYMENTS_ALLOW_LOCAL_PROVIDER=true/.test(err.message) &&
        /STRIPE_SECRET_KEY/.test(err.message),
      JSON.stringify(env),
    );
  }
  assert.throws(() => localProviderGrant({}), /OMS_ENV unset means production/);
});

Deno.test("any OMS_ENV other than development counts as production", () => {
  assert.throws(() => localProviderGrant({ OMS_ENV: "staging" }), /OMS_ENV="staging"/);
});

Deno.test("the local provider runs in development, or in production when explicitly allowed", () => {
  assert.equal(localProviderGrant({ OMS_ENV: "development" }), "development");
  assert.equal(
    localProviderGrant({ OMS_ENV: "production", PAYMENTS_ALLOW_LOCAL_PROVIDER: "true" }),
    "allowed",
  );
  assert.equal(localProviderGrant({ PAYMENTS_ALLOW_LOCAL_PROVIDER: "1" }), "allowed");
});

Deno.test("a PAYMENTS_ALLOW_LOCAL_PROVIDER that is not a boolean is refused, not read as false", () => {
  assert.throws(
    () => localProviderGrant({ PAYMENTS_ALLOW_LOCAL_PROVIDER: "maybe" }),
    /PAYMENTS_ALLOW_LOCAL_PROVIDER must be true or false, got "maybe"/,
  );
});
