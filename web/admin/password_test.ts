import assert from "node:assert/strict";
import { constantTimeEqual, passwordMatches, tokensEqual } from "./password.ts";

Deno.test("passwordMatches accepts only the exact password and never an empty configured one", async () => {
  assert.equal(await passwordMatches("s3cret-pass", "s3cret-pass"), true);
  assert.equal(await passwordMatches("s3cret-pasS", "s3cret-pass"), false);
  assert.equal(await passwordMatches("s3cret-pass ", "s3cret-pass"), false);
  assert.equal(await passwordMatches("", "s3cret-pass"), false);
  assert.equal(await passwordMatches("", ""), false);
});

Deno.test("constantTimeEqual and tokensEqual compare whole values", () => {
  assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
  assert.equal(tokensEqual("abc", "abc"), true);
  assert.equal(tokensEqual("abc", "abd"), false);
  assert.equal(tokensEqual("", "abc"), false);
});
