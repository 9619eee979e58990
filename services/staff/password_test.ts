import assert from "node:assert/strict";
import { hashPassword, verifyNothing, verifyPassword } from "./password.ts";
import { DEFAULT_SCRYPT, weakerThan } from "./domain/password_hash.ts";

Deno.test("a password hash is scrypt with the memory-hard default parameters stored beside it", async () => {
  const h = await hashPassword("correct horse battery staple");
  assert.equal(h.alg, "scrypt");
  assert.deepEqual({ n: h.n, r: h.r, p: h.p }, DEFAULT_SCRYPT);
  assert.ok(128 * h.n * h.r >= 16 * 1024 * 1024, "at least 16 MiB of memory per hash");
  assert.equal(Buffer.from(h.hash, "base64").length, 32);
  assert.equal(Buffer.from(h.salt, "base64").length, 16);
  assert.equal(await verifyPassword("correct horse battery staple", h), true);
  assert.equal(
    await verifyPassword("correct horse battery stapler", h),
    false,
    "a wrong password is refused",
  );
  assert.equal(await verifyPassword("", h), false);
});

Deno.test("each hash has its own random salt: one password hashes differently twice, both verify", async () => {
  const params = { n: 1024, r: 8, p: 1 };
  const a = await hashPassword("same password here", params);
  const b = await hashPassword("same password here", params);
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.hash, b.hash);
  assert.ok(await verifyPassword("same password here", a));
  assert.ok(await verifyPassword("same password here", b));
});

Deno.test("a hash keeps verifying with its own parameters after the defaults are raised", async () => {
  const old = await hashPassword("an older account's pw", { n: 1024, r: 8, p: 1 });
  assert.ok(await verifyPassword("an older account's pw", old));
  assert.ok(weakerThan(old, DEFAULT_SCRYPT), "and it is marked for rehashing");
  assert.ok(!weakerThan(DEFAULT_SCRYPT, DEFAULT_SCRYPT));
});

Deno.test("checking a password without an account costs a real scrypt and says no", async () => {
  assert.equal(await verifyNothing("whatever it is", { n: 1024, r: 8, p: 1 }), false);
});

import { Buffer } from "node:buffer";
