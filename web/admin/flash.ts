/**
 * The flash message cookie: `<base64url(JSON {kind, text, exp})>.<base64url(HMAC-SHA256)>`, HttpOnly,
 * SameSite=Strict, on `/admin`, for a minute. Signed with a key every web replica derives from the same
 * secret, so the page after a redirect shows the message whichever replica serves it, and nobody else
 * can plant a message.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import type { Flash } from "./sessions.ts";

/** Name of the flash cookie. */
export const FLASH_COOKIE = "oms_admin_flash";

/** How long a flash message waits for its page, in seconds. */
export const FLASH_MAX_AGE_SECONDS = 60;

const MAX_TEXT = 1000;

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unb64(text: string): Uint8Array | null {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Signs and reads flash cookies under one key. */
export class FlashCookies {
  readonly #key: Promise<CryptoKey>;
  readonly #now: () => number;

  /** Uses `key` (32 bytes, see `keys.ts`). */
  constructor(key: Uint8Array, now: () => number = Date.now) {
    this.#key = crypto.subtle.importKey(
      "raw",
      new Uint8Array(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      [
        "sign",
        "verify",
      ],
    );
    this.#now = now;
  }

  async #mac(payload: string): Promise<Uint8Array> {
    return new Uint8Array(
      await crypto.subtle.sign("HMAC", await this.#key, new TextEncoder().encode(payload)),
    );
  }

  /** The cookie value carrying `flash`. */
  async encode(flash: Flash): Promise<string> {
    const body = {
      kind: flash.kind,
      text: flash.text.slice(0, MAX_TEXT),
      exp: Math.floor(this.#now() / 1000) + FLASH_MAX_AGE_SECONDS,
    };
    const payload = b64(new TextEncoder().encode(JSON.stringify(body)));
    return `${payload}.${b64(await this.#mac(payload))}`;
  }

  /** The message of a valid, unexpired cookie value, or null. */
  async decode(value: string | null | undefined): Promise<Flash | null> {
    if (!value || value.length > 4096) return null;
    const [payload, sig, extra] = value.split(".");
    if (!payload || !sig || extra !== undefined) return null;
    const given = unb64(sig);
    const expected = await this.#mac(payload);
    if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const raw = unb64(payload);
    if (!raw) return null;
    try {
      const body = JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown>;
      if (body.kind !== "success" && body.kind !== "error") return null;
      if (typeof body.text !== "string" || typeof body.exp !== "number") return null;
      if (body.exp * 1000 <= this.#now()) return null;
      return { kind: body.kind, text: body.text };
    } catch {
      return null;
    }
  }
}

/** The `Set-Cookie` value carrying flash cookie `value`. */
export function flashCookie(value: string, secure: boolean): string {
  return `${FLASH_COOKIE}=${value}; Max-Age=${FLASH_MAX_AGE_SECONDS}; Path=/admin; HttpOnly; SameSite=Strict` +
    (secure ? "; Secure" : "");
}

/** The `Set-Cookie` value that removes the flash cookie. */
export function clearFlashCookie(secure: boolean): string {
  return `${FLASH_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; SameSite=Strict` + (secure ? "; Secure" : "");
}
