/**
 * The admin's server-side parts in one object, made once per gateway: the configured password, the
 * session table, the login limiter and the device cookies that let known browsers past it.
 * `web/server.ts` builds it from `ADMIN_PASSWORD`; tests build it with their own limits and clock.
 * With no password the admin is disabled and its pages say so.
 *
 * @module
 */
import { DeviceCookies } from "./devices.ts";
import { type LimiterOptions, LoginLimiter } from "./login_limiter.ts";
import { type SessionOptions, SessionStore } from "./sessions.ts";

/** What the admin pages need at run time. */
export interface AdminRuntime {
  /** The password, or null when `ADMIN_PASSWORD` is unset (the admin is then disabled). */
  password: string | null;
  /** Logged-in sessions. */
  sessions: SessionStore;
  /** Bounds failed logins (answers at once, never queues). */
  limiter: LoginLimiter;
  /** Signs and checks the cookies of browsers that logged in before. */
  devices: DeviceCookies;
}

/** Options of {@linkcode createAdmin}. */
export interface AdminOptions {
  /** The admin password; null or "" disables the admin. */
  password: string | null;
  /** Session lifetimes. */
  sessions?: SessionOptions;
  /** Login limits. */
  limiter?: LimiterOptions;
  /** Key of the device cookies (default: random per process). */
  deviceSecret?: Uint8Array;
}

/** Builds the admin runtime. */
export function createAdmin(options: AdminOptions): AdminRuntime {
  return {
    password: options.password ? options.password : null,
    sessions: new SessionStore(options.sessions),
    limiter: new LoginLimiter(options.limiter),
    devices: new DeviceCookies(options.deviceSecret),
  };
}
