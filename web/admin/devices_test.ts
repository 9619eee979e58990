import assert from "node:assert/strict";
import { DEVICE_COOKIE, deviceCookie, DeviceCookies } from "./devices.ts";

Deno.test("a device cookie this server issued verifies to its id; a tampered or foreign one does not", async () => {
  const devices = new DeviceCookies();
  const value = await devices.issue();
  const id = await devices.verify(value);
  assert.match(id ?? "", /^[A-Za-z0-9_-]{22}$/);
  assert.equal(await devices.verify(await devices.issue(id!)), id, "re-issuing keeps the id");
  const [, sig] = value.split(".");
  assert.equal(await devices.verify(`AAAAAAAAAAAAAAAAAAAAAA.${sig}`), null, "another id with this signature");
  assert.equal(await devices.verify(await new DeviceCookies().issue()), null, "signed under another key");
  for (const bad of [null, undefined, "", "x", `${value}x`, value.replace(".", "")]) {
    assert.equal(await devices.verify(bad), null, String(bad));
  }
});

Deno.test("a fixed key verifies cookies across instances (a restart with the same key)", async () => {
  const key = new Uint8Array(32).fill(7);
  const value = await new DeviceCookies(key).issue();
  assert.notEqual(await new DeviceCookies(key).verify(value), null);
});

Deno.test("the device cookie is HttpOnly, SameSite=Strict, on /admin, and Secure over HTTPS", () => {
  const plain = deviceCookie("v", false);
  assert.match(
    plain,
    new RegExp(`^${DEVICE_COOKIE}=v; Max-Age=\\d+; Path=/admin; HttpOnly; SameSite=Strict$`),
  );
  assert.match(deviceCookie("v", true), /; Secure$/);
});
