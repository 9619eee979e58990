import assert from "node:assert/strict";
import { Metadata } from "@grpc/grpc-js";
import { bearer, ServiceTokenCheck } from "./service_credential.ts";
import { TEST_SERVICE_TOKEN } from "./testing.ts";

function withAuth(...values: string[]): Metadata {
  const md = new Metadata();
  for (const v of values) md.add("authorization", v);
  return md;
}

Deno.test("the check accepts exactly one `Bearer <token>` and nothing else", () => {
  const check = new ServiceTokenCheck(TEST_SERVICE_TOKEN);
  assert.equal(check.accepts(withAuth(bearer(TEST_SERVICE_TOKEN))), true);
  assert.equal(check.accepts(new Metadata()), false, "none");
  assert.equal(check.accepts(withAuth(TEST_SERVICE_TOKEN)), false, "without the scheme");
  assert.equal(check.accepts(withAuth(`bearer ${TEST_SERVICE_TOKEN}`)), false, "another scheme spelling");
  assert.equal(check.accepts(withAuth(bearer(`${TEST_SERVICE_TOKEN}x`))), false, "longer");
  assert.equal(check.accepts(withAuth(bearer(TEST_SERVICE_TOKEN.slice(0, -1)))), false, "shorter");
  const sameLength = TEST_SERVICE_TOKEN.slice(0, -1) + (TEST_SERVICE_TOKEN.endsWith("x") ? "y" : "x");
  assert.equal(check.accepts(withAuth(bearer(sameLength))), false, "one character differs");
  assert.equal(
    check.accepts(withAuth(bearer(TEST_SERVICE_TOKEN), bearer(TEST_SERVICE_TOKEN))),
    false,
    "two values",
  );
});

Deno.test("a check refuses to be made from an unusable token", () => {
  assert.throws(() => new ServiceTokenCheck(""), /OMS_SERVICE_TOKEN is not set/);
  assert.throws(() => new ServiceTokenCheck("short"), /got 5/);
});
