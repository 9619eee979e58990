/**
 * Who is signed in, as the admin shell shows it. Slice "staff" puts `staff: {name, role}` on the admin
 * state; until it does (or for a session without it), the shared-password session is the owner
 * "admin". Reading it through this one accessor keeps that fallback in one place.
 *
 * @module
 */
import { STAFF_ROLES, type StaffRole } from "./permissions.ts";

/** The signed-in staff member. */
export interface SignedIn {
  /** Their name. */
  name: string;
  /** Their role. */
  role: StaffRole;
}

/** Whoever a session without a named staff member stands for. */
export const FALLBACK_STAFF: SignedIn = { name: "admin", role: "owner" };

/** The staff member in admin state `state` (`state.staff`), or {@linkcode FALLBACK_STAFF}. */
export function signedIn(state: Record<string, unknown>): SignedIn {
  const s = state.staff;
  if (s && typeof s === "object" && "name" in s && "role" in s) {
    const { name, role } = s as { name: unknown; role: unknown };
    if (typeof name === "string" && (STAFF_ROLES as readonly unknown[]).includes(role)) {
      return { name, role: role as StaffRole };
    }
  }
  return FALLBACK_STAFF;
}

/** A role for people. */
export function roleLabel(role: StaffRole): string {
  return role === "owner" ? "Owner" : role === "manager" ? "Manager" : "Kitchen";
}
