/**
 * The admin's web-side parts in one object, made once per gateway: who the first owner is (made in the
 * staff store at start when no owner exists), the device cookies that let known browsers past the
 * login throttle, and the flash cookies. Accounts, sessions and the throttle themselves live in the
 * staff store every replica shares (`gateway/staff.ts`); the cookies' keys are derived from a
 * configured secret (the service token), so every replica signs and reads the same cookies.
 * `web/server.ts` builds it from `ADMIN_USER` / `ADMIN_PASSWORD`; tests build it with their own.
 *
 * @module
 */
import { DeviceCookies } from "./devices.ts";
import { FlashCookies } from "./flash.ts";
import { deriveKey } from "./keys.ts";
import { SessionStore } from "./sessions.ts";

/** The name of the first owner unless `ADMIN_USER` says otherwise. */
export const DEFAULT_ADMIN_USER = "admin";

/** What the admin pages need at run time. */
export interface AdminRuntime {
  /** The first owner's name (`ADMIN_USER`). */
  user: string;
  /** The first owner's password (`ADMIN_PASSWORD`), or null when unset. */
  password: string | null;
  /** Leaves flash messages (see `sessions.ts`). */
  sessions: SessionStore;
  /** Signs and checks the cookies of browsers that logged in before. */
  devices: DeviceCookies;
  /** Signs and reads the flash message cookies. */
  flashes: FlashCookies;
  /**
   * Whether an owner exists, once known (null: not asked yet). Set by {@linkcode ensureFirstOwner}.
   */
  ownerExists: boolean | null;
}

/** Options of {@linkcode createAdmin}. */
export interface AdminOptions {
  /** The first owner's name (default {@linkcode DEFAULT_ADMIN_USER}). */
  user?: string;
  /** The first owner's password; null or "" makes no owner (accounts made before still work). */
  password: string | null;
  /** The secret the cookie keys are derived from (every replica's must match); default random. */
  secret?: string;
}

/** Builds the admin runtime. */
export function createAdmin(options: AdminOptions): AdminRuntime {
  const secret = options.secret ?? crypto.randomUUID() + crypto.randomUUID();
  return {
    user: options.user || DEFAULT_ADMIN_USER,
    password: options.password ? options.password : null,
    sessions: new SessionStore(),
    devices: new DeviceCookies(deriveKey(secret, "oms/admin-device/v1")),
    flashes: new FlashCookies(deriveKey(secret, "oms/admin-flash/v1")),
    ownerExists: null,
  };
}
