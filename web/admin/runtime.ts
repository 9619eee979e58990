/**
 * The admin's server-side parts in one object, made once per gateway: the configured password, the
 * session table and the login limiter. `web/server.ts` builds it from `ADMIN_PASSWORD`; tests build
 * it with short delays. With no password the admin is disabled and its pages say so.
 *
 * @module
 */
import { type LimiterOptions, LoginLimiter } from "./login_limiter.ts";
import { type SessionOptions, SessionStore } from "./sessions.ts";

/** What the admin pages need at run time. */
export interface AdminRuntime {
  /** The password, or null when `ADMIN_PASSWORD` is unset (the admin is then disabled). */
  password: string | null;
  /** Logged-in sessions. */
  sessions: SessionStore;
  /** Slows failed logins. */
  limiter: LoginLimiter;
}

/** Options of {@linkcode createAdmin}. */
export interface AdminOptions {
  /** The admin password; null or "" disables the admin. */
  password: string | null;
  /** Session lifetimes. */
  sessions?: SessionOptions;
  /** Login slowdown. */
  limiter?: LimiterOptions;
}

/** Builds the admin runtime. */
export function createAdmin(options: AdminOptions): AdminRuntime {
  return {
    password: options.password ? options.password : null,
    sessions: new SessionStore(options.sessions),
    limiter: new LoginLimiter(options.limiter),
  };
}
