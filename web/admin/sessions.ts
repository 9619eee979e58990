/**
 * Admin sessions as web sees them. The sessions themselves live in the staff store (the staff module
 * hosted by orders, reached through `gateway/staff.ts`), so they survive a web restart and every web
 * replica shares them: the browser holds only a random id (256 bits, base64url) in an HttpOnly,
 * SameSite=Strict cookie scoped to `/admin`; the store keeps only its SHA-256, an absolute expiry, an
 * idle timeout and a CSRF token per session. Logout deletes the session, so a copied cookie stops
 * working at once.
 *
 * A one-shot flash message for the page after a redirect travels in a short-lived signed cookie
 * (`flash.ts`), not in the session, so it works whichever replica serves the next page: a handler calls
 * {@linkcode SessionStore.flash}, and the admin guard sends the cookie with the handler's answer.
 *
 * @module
 */
import type { StaffRole } from "../../services/common/auth/staff_claim.ts";

/** A message shown once on the next page. */
export interface Flash {
  /** `success` or `error`. */
  kind: "success" | "error";
  /** Text for people. */
  text: string;
}

/** The session of the request being served. */
export interface Session {
  /** The cookie value (the session id). */
  id: string;
  /** This session's CSRF token, put in every form. */
  csrf: string;
  /** The signed-in member's name. */
  name: string;
  /** Their role now. */
  role: StaffRole;
  /** When it began (ms since epoch). */
  createdAt: number;
  /** A message this request leaves for the next page (sent as a cookie by the admin guard). */
  flash: Flash | null;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = "oms_admin";

/** `n` random bytes as base64url. */
export function randomToken(n = 32): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Web's side of the sessions: leaving flash messages for the next page. */
export class SessionStore {
  /** Leaves `flash` for the next page of `session`'s browser. */
  flash(session: Session, flash: Flash): void {
    session.flash = flash;
  }

  /** Takes (and clears) the message this request left, if any. */
  takeFlash(session: Session): Flash | null {
    const f = session.flash;
    session.flash = null;
    return f;
  }
}
