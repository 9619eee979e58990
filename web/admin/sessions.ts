/**
 * Admin sessions, kept on the server: the browser holds only a random id (256 bits, base64url) in an
 * HttpOnly, SameSite=Strict cookie scoped to `/admin`. Each session has its own CSRF token, an absolute
 * expiry, an idle timeout, and a one-shot flash message for the page after a redirect. Logout deletes
 * the session, so a copied cookie stops working at once.
 *
 * Sessions live in this process's memory: a restart logs staff out, and several web replicas need
 * sticky sessions (or a shared store behind the same interface).
 *
 * @module
 */

/** A message shown once on the next page. */
export interface Flash {
  /** `success` or `error`. */
  kind: "success" | "error";
  /** Text for people. */
  text: string;
}

/** One logged-in browser. */
export interface Session {
  /** The cookie value. */
  id: string;
  /** This session's CSRF token, put in every form. */
  csrf: string;
  /** When it was created (ms since epoch). */
  createdAt: number;
  /** Last request (ms since epoch). */
  seenAt: number;
  /** Message for the next page, if any. */
  flash: Flash | null;
}

/** Options of {@linkcode SessionStore}. */
export interface SessionOptions {
  /** Absolute lifetime in ms (default 8 hours). */
  ttlMs?: number;
  /** Idle timeout in ms (default 2 hours). */
  idleMs?: number;
  /** Most sessions kept; the least recently used is dropped beyond it (default 1000). */
  max?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = "oms_admin";

/** `n` random bytes as base64url. */
export function randomToken(n = 32): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/** The server-side session table. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #idleMs: number;
  readonly #max: number;
  readonly #now: () => number;

  /** Creates an empty store. */
  constructor(options: SessionOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 8 * 3600_000;
    this.#idleMs = options.idleMs ?? 2 * 3600_000;
    this.#max = options.max ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Absolute lifetime of a session in seconds (the cookie's Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.#ttlMs / 1000);
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Starts a new session. */
  create(): Session {
    const now = this.#now();
    const session: Session = {
      id: randomToken(),
      csrf: randomToken(),
      createdAt: now,
      seenAt: now,
      flash: null,
    };
    this.#sessions.set(session.id, session);
    while (this.#sessions.size > this.#max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    return session;
  }

  /** The live session with cookie value `id`, or null (unknown, expired or idle too long). */
  get(id: string | undefined | null): Session | null {
    if (!id || !ID.test(id)) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    const now = this.#now();
    if (now - session.createdAt >= this.#ttlMs || now - session.seenAt >= this.#idleMs) {
      this.#sessions.delete(id);
      return null;
    }
    session.seenAt = now;
    // Re-insert so the map stays in least-recently-used order.
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session;
  }

  /** Ends the session `id` (logout). */
  destroy(id: string): void {
    this.#sessions.delete(id);
  }

  /** Sets the message the next page shows. */
  flash(session: Session, flash: Flash): void {
    session.flash = flash;
  }

  /** Takes (and clears) the session's message. */
  takeFlash(session: Session): Flash | null {
    const f = session.flash;
    session.flash = null;
    return f;
  }
}
