/**
 * Known devices: after a successful login the browser gets a device cookie, `<id>.<signature>` (a
 * random id and its HMAC-SHA256 under the device key). A login attempt that carries a valid
 * one is counted only against that device's own limit (see `services/staff/domain/throttle.ts`), so an attacker's
 * guesses from elsewhere can never refuse the staff's own browsers.
 *
 * The cookie proves only that this browser logged in before; it grants nothing else (no session, no
 * skipped password). The key is derived from the configured secret (`runtime.ts`), so every web
 * replica honours the cookies the others issued, and a restart forgets no device.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { randomToken } from "./sessions.ts";

/** Name of the device cookie. */
export const DEVICE_COOKIE = "oms_admin_device";

/** How long a device is remembered after its last successful login (30 days), in seconds. */
export const DEVICE_MAX_AGE_SECONDS = 30 * 24 * 3600;

const VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Issues and verifies device cookies under one key. */
export class DeviceCookies {
  readonly #key: Promise<CryptoKey>;

  /** Uses `secret` as the key, or a random one. */
  constructor(secret?: Uint8Array) {
    const raw = new Uint8Array(secret ?? crypto.getRandomValues(new Uint8Array(32)));
    this.#key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
  }

  async #sign(id: string): Promise<string> {
    return base64url(await crypto.subtle.sign("HMAC", await this.#key, new TextEncoder().encode(id)));
  }

  /** A new device cookie value. */
  async issue(id: string = randomToken(16)): Promise<string> {
    return `${id}.${await this.#sign(id)}`;
  }

  /** The device id of a valid cookie value, or null. */
  async verify(value: string | null | undefined): Promise<string | null> {
    const m = value ? VALUE.exec(value) : null;
    if (!m) return null;
    const enc = new TextEncoder();
    // same-length base64url strings (the pattern fixes it), compared in constant time
    return timingSafeEqual(enc.encode(await this.#sign(m[1]!)), enc.encode(m[2]!)) ? m[1]! : null;
  }
}

/** The `Set-Cookie` value remembering device cookie `value` (HttpOnly, SameSite=Strict, Path=/admin). */
export function deviceCookie(value: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${value}; Max-Age=${DEVICE_MAX_AGE_SECONDS}; Path=/admin; HttpOnly; SameSite=Strict` +
    (secure ? "; Secure" : "");
}
