import assert from "node:assert/strict";
import { countingSubtle } from "../crypto_spy_testing.ts";
import { customerCsrfToken, customerCsrfTokenNow, isCustomerCsrfToken } from "./csrf.ts";

const SECRET = "test-cookie-secret-0123456789abcdefghij";

Deno.test("a form token belongs to one customer and one secret, and is never valid empty or edited", async () => {
  const token = await customerCsrfToken(SECRET, "c-me");
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await customerCsrfToken(SECRET, "c-me"), token, "stable: no storage needed");
  assert.equal(await isCustomerCsrfToken(SECRET, "c-me", token), true);
  assert.equal(await isCustomerCsrfToken(SECRET, "c-other", token), false);
  assert.equal(await isCustomerCsrfToken(`${SECRET}x`, "c-me", token), false);
  const flipped = (token[0] === "A" ? "B" : "A") + token.slice(1);
  for (const bad of [null, undefined, "", flipped, token.slice(1), `${token}=`, "!".repeat(43)]) {
    assert.equal(await isCustomerCsrfToken(SECRET, "c-me", bad), false, String(bad));
  }
});

Deno.test("a customer's form token is made once and kept; a kept token does not make another valid", async () => {
  const token = await customerCsrfToken(SECRET, "c-kept");
  const signs = await countingSubtle("sign", async () => {
    assert.equal(await customerCsrfToken(SECRET, "c-kept"), token);
  });
  assert.equal(signs, 0);
  assert.notEqual(await customerCsrfToken(`${SECRET}x`, "c-kept"), token, "kept per secret");
  assert.equal(await isCustomerCsrfToken(SECRET, "c-other", token), false);
});

Deno.test("the token made synchronously is the same token, and valid", async () => {
  for (const id of ["c-sync-1", "c-sync-2"]) {
    const now = customerCsrfTokenNow(SECRET, id);
    assert.equal(await isCustomerCsrfToken(SECRET, id, now), true);
    assert.equal(await customerCsrfToken(SECRET, id), now);
  }
  const fresh = customerCsrfTokenNow(`${SECRET}-other`, "c-sync-3");
  assert.equal(await isCustomerCsrfToken(`${SECRET}-other`, "c-sync-3", fresh), true);
  assert.equal(await isCustomerCsrfToken(SECRET, "c-sync-3", fresh), false);
});
