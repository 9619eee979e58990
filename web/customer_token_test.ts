import assert from "node:assert/strict";
import { sign, verify } from "hono/jwt";
import { issueToken, TOKEN_TTL_SECONDS, tokenKey, verifyToken } from "./customer_token.ts";
import { countingSubtle } from "./crypto_spy_testing.ts";

const SECRET = "s".repeat(40);

Deno.test("a token proves the customer it was issued for", async () => {
  const token = await issueToken("c-abc", SECRET);
  assert.equal(await verifyToken(token, SECRET), "c-abc");
});

Deno.test("a token signed with another secret, tampered with or malformed proves nobody", async () => {
  const token = await issueToken("c-abc", SECRET);
  assert.equal(await verifyToken(token, "t".repeat(40)), null);
  const [h, , s] = token.split(".");
  const forged = btoa(JSON.stringify({ sub: "c-other", aud: "oms-customer", iat: 1 })).replace(/=+$/, "");
  assert.equal(await verifyToken(`${h}.${forged}.${s}`, SECRET), null);
  assert.equal(await verifyToken("not-a-token", SECRET), null);
  assert.equal(await verifyToken("", SECRET), null);
});

Deno.test("the cookie secret itself does not sign tokens: the key is derived", async () => {
  const raw = await sign({ sub: "c-abc", aud: "oms-customer", iat: 1 }, SECRET, "HS256");
  assert.equal(await verifyToken(raw, SECRET), null);
  assert.notEqual(await tokenKey(SECRET), SECRET);
});

Deno.test("an expired token, one for another audience or with alg none proves nobody", async () => {
  const old = await issueToken("c-abc", SECRET, new Date(Date.now() - (TOKEN_TTL_SECONDS + 60) * 1000));
  assert.equal(await verifyToken(old, SECRET), null);
  const key = await tokenKey(SECRET);
  const otherAud = await sign({ sub: "c-abc", aud: "oms-staff", iat: 1 }, key, "HS256");
  assert.equal(await verifyToken(otherAud, SECRET), null);
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "");
  const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "c-abc", aud: "oms-customer" })}.`;
  assert.equal(await verifyToken(none, SECRET), null);
});

Deno.test("a token with a sub that is not a customer id proves nobody; issuing one is refused", async () => {
  const key = await tokenKey(SECRET);
  const bad = await sign({ sub: "a b", aud: "oms-customer", iat: 1 }, key, "HS256");
  assert.equal(await verifyToken(bad, SECRET), null);
  await assert.rejects(() => issueToken("a b", SECRET), /must be 1 to 64/);
});

Deno.test("a token Hono signed from the key string (before keys were cached) still verifies, and back", async () => {
  const key = await tokenKey(SECRET);
  const iat = Math.floor(Date.now() / 1000);
  const earlier = await sign({ sub: "c-abc", aud: "oms-customer", iat, exp: iat + 60 }, key, "HS256");
  assert.equal(await verifyToken(earlier, SECRET), "c-abc");
  const now = await issueToken("c-abc", SECRET);
  const payload = await verify(now, key, { alg: "HS256", aud: "oms-customer" });
  assert.equal(payload.sub, "c-abc");
});

Deno.test("a token that verified once is refused once it has expired", async () => {
  const key = await tokenKey(SECRET);
  const iat = Math.floor(Date.now() / 1000);
  const shortLived = await sign({ sub: "c-abc", aud: "oms-customer", iat, exp: iat + 1 }, key, "HS256");
  assert.equal(await verifyToken(shortLived, SECRET), "c-abc");
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(await verifyToken(shortLived, SECRET), null);
});

/** Runs `fn` counting the calls of `crypto.subtle.verify` made meanwhile. */
Deno.test("a token that verified is not verified again; a tampered copy of it still is, and is refused", async () => {
  const token = await issueToken("c-cached", SECRET);
  assert.equal(await verifyToken(token, SECRET), "c-cached");
  const again = await countingSubtle("verify", async () => {
    for (let i = 0; i < 5; i++) assert.equal(await verifyToken(token, SECRET), "c-cached");
  });
  assert.equal(again, 0, "the remembered token needs no signature check");
  const [h, p, s] = token.split(".");
  const flipped = s!.slice(0, 10) + (s![10] === "A" ? "B" : "A") + s!.slice(11);
  const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
  const otherSub = btoa(JSON.stringify({ ...payload, sub: "c-other" })).replace(/=+$/, "")
    .replace(/\+/g, "-").replace(/\//g, "_");
  const tampered = await countingSubtle("verify", async () => {
    assert.equal(await verifyToken(`${h}.${p}.${flipped}`, SECRET), null);
    assert.equal(await verifyToken(`${h}.${otherSub}.${s}`, SECRET), null);
    assert.equal(await verifyToken(`${token} `, SECRET), null);
  });
  assert.ok(tampered >= 2, "each tampered token went through the signature check");
  assert.equal(await verifyToken(token, "t".repeat(40)), null, "remembered per secret");
  assert.equal(await verifyToken(token, SECRET), "c-cached");
});

Deno.test("a remembered token is refused from its expiry on, checked again on every use", async () => {
  const key = await tokenKey(SECRET);
  const iat = Math.floor(Date.now() / 1000);
  const token = await sign({ sub: "c-short", aud: "oms-customer", iat, exp: iat + 1 }, key, "HS256");
  assert.equal(await verifyToken(token, SECRET), "c-short");
  assert.equal(await verifyToken(token, SECRET), "c-short"); // from the cache
  await new Promise((r) => setTimeout(r, (iat + 1) * 1000 - Date.now() + 20));
  assert.equal(await verifyToken(token, SECRET), null);
});
