/**
 * Request state of admin pages, set by `routes/admin/_middleware.ts`.
 *
 * @module
 */
import type { StaffRole } from "../../services/common/auth/staff_claim.ts";
import type { ShopConfig } from "../shop.ts";
import type { Flash, Session } from "./sessions.ts";

/** Who is signed in. */
export interface StaffState {
  /** Their name (the account). */
  name: string;
  /** Their role now. */
  role: StaffRole;
}

/** What admin handlers and pages find in `ctx.state`. */
export interface AdminState extends Record<string, unknown> {
  /** The storefront's customer id (set by the root middleware; unused by the admin). */
  customerId: string;
  /**
   * The shop's settings (set by the admin middleware, from `deps.shop` or this process's environment):
   * every time on an admin page is shown in its time zone, every price in its locale.
   */
  shop: ShopConfig;
  /** Document title. */
  title?: string;
  /** False when no owner exists and none could be made from `ADMIN_PASSWORD` (nobody could log in). */
  adminEnabled: boolean;
  /** The logged-in session (null on the login page before logging in). */
  session: Session | null;
  /** The signed-in member of staff (null when nobody is). */
  staff?: StaffState | null;
  /** The session's CSRF token, for forms ("" without a session). */
  csrf: string;
  /** The message left by the previous request, shown once. */
  flash: Flash | null;
  /** The POSTed form, read and CSRF-checked by the middleware. */
  form: URLSearchParams | null;
}

/** Name of the CSRF form field. */
export const CSRF_FIELD = "_csrf";
