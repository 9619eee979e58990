import assert from "node:assert/strict";
import { clearFlashCookie, FLASH_COOKIE, flashCookie, FlashCookies } from "./flash.ts";
import { deriveKey } from "./keys.ts";
import { SessionStore } from "./sessions.ts";

Deno.test("a flash cookie signed by one replica is read by another with the same secret, once valid", async () => {
  const key = deriveKey("a shared secret of the deployment", "oms/admin-flash/v1");
  const value = await new FlashCookies(key).encode({ kind: "success", text: "Saved." });
  assert.deepEqual(await new FlashCookies(key).decode(value), { kind: "success", text: "Saved." });
  const other = deriveKey("another secret", "oms/admin-flash/v1");
  assert.equal(await new FlashCookies(other).decode(value), null, "another key");
  const [payload, sig] = value.split(".");
  const forged = btoa(JSON.stringify({ kind: "error", text: "Pay here", exp: 2e9 })).replace(/=+$/, "");
  assert.equal(await new FlashCookies(key).decode(`${forged}.${sig}`), null, "a planted message");
  assert.equal(await new FlashCookies(key).decode(`${payload}.${sig}x`), null);
  for (const bad of [null, undefined, "", "x", "a.b.c"]) {
    assert.equal(await new FlashCookies(key).decode(bad), null);
  }
});

Deno.test("a flash cookie expires after a minute", async () => {
  let now = 1_000_000;
  const flashes = new FlashCookies(new Uint8Array(32), () => now);
  const value = await flashes.encode({ kind: "error", text: "Nope" });
  now += 59_000;
  assert.ok(await flashes.decode(value));
  now += 2_000;
  assert.equal(await flashes.decode(value), null);
});

Deno.test("the flash cookie is HttpOnly, SameSite=Strict, on /admin; clearing sets Max-Age=0", () => {
  assert.match(
    flashCookie("v", false),
    new RegExp(`^${FLASH_COOKIE}=v; Max-Age=60; Path=/admin; HttpOnly; SameSite=Strict$`),
  );
  assert.match(flashCookie("v", true), /; Secure$/);
  assert.match(clearFlashCookie(false), /Max-Age=0/);
});

Deno.test("derived keys differ per label and per secret", () => {
  assert.notDeepEqual(deriveKey("s", "a"), deriveKey("s", "b"));
  assert.notDeepEqual(deriveKey("s", "a"), deriveKey("t", "a"));
  assert.deepEqual(deriveKey("s", "a"), deriveKey("s", "a"));
});

Deno.test("a handler's flash waits on the request's session until the guard takes it", () => {
  const store = new SessionStore();
  const session = { id: "x", csrf: "y", name: "ann", role: "owner" as const, createdAt: 0, flash: null };
  store.flash(session, { kind: "success", text: "Done" });
  assert.deepEqual(store.takeFlash(session), { kind: "success", text: "Done" });
  assert.equal(store.takeFlash(session), null);
});
