import assert from "node:assert/strict";
import { ConfigError, envServiceToken } from "../config.ts";
import { generateServiceToken, MIN_SERVICE_TOKEN_LENGTH, serviceTokenProblem } from "./service_token.ts";

Deno.test("a service token needs 32 to 512 printable characters without spaces", () => {
  assert.match(serviceTokenProblem(undefined)!, /OMS_SERVICE_TOKEN is not set/);
  assert.match(serviceTokenProblem("")!, /OMS_SERVICE_TOKEN is not set/);
  assert.match(serviceTokenProblem("x".repeat(31))!, /must have 32 to 512 characters, got 31/);
  assert.match(serviceTokenProblem("x".repeat(513))!, /got 513/);
  assert.match(serviceTokenProblem(`${"x".repeat(31)} y`)!, /printable ASCII without spaces/);
  assert.match(serviceTokenProblem(`${"x".repeat(31)}é`)!, /printable ASCII without spaces/);
  assert.equal(serviceTokenProblem("x".repeat(32)), null);
});

Deno.test("generated tokens are valid and differ", () => {
  const a = generateServiceToken();
  const b = generateServiceToken();
  assert.equal(serviceTokenProblem(a), null);
  assert.ok(a.length >= MIN_SERVICE_TOKEN_LENGTH);
  assert.notEqual(a, b);
});

Deno.test("envServiceToken throws a ConfigError naming OMS_SERVICE_TOKEN that never shows the value", () => {
  const secret = "short-secret-value";
  assert.throws(() => envServiceToken({ OMS_SERVICE_TOKEN: secret }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.variable, "OMS_SERVICE_TOKEN");
    assert.ok(!err.message.includes(secret), err.message);
    return true;
  });
  assert.throws(() => envServiceToken({}), /OMS_SERVICE_TOKEN is not set/);
  const good = generateServiceToken();
  assert.equal(envServiceToken({ OMS_SERVICE_TOKEN: good }), good);
});
