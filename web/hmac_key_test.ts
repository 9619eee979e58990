import assert from "node:assert/strict";
import { hmacKey, hmacSign, hmacVerify } from "./hmac_key.ts";

Deno.test("a secret's key is imported once and shared", async () => {
  const secret = "a".repeat(40);
  const first = await hmacKey(secret);
  assert.equal(await hmacKey(secret), first);
  assert.notEqual(await hmacKey("b".repeat(40)), first);
  assert.equal(first.type, "secret");
  assert.deepEqual([...first.usages].sort(), ["sign", "verify"]);
});

Deno.test("signatures match an HMAC-SHA256 over the secret's UTF-8 bytes, and verify only with that secret", async () => {
  const secret = "é".repeat(20);
  const raw = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", raw, new TextEncoder().encode("data")));
  const mac = await hmacSign(secret, "data");
  assert.deepEqual(mac, expected);
  const copy = new Uint8Array(mac);
  assert.equal(await hmacVerify(secret, "data", copy), true);
  assert.equal(await hmacVerify(secret, "datb", copy), false);
  assert.equal(await hmacVerify("other", "data", copy), false);
  copy[0]! ^= 1;
  assert.equal(await hmacVerify(secret, "data", copy), false);
});
