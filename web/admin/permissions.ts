/**
 * Who may open which part of the admin: one table of sections (path prefix, label, roles) that the
 * admin guard (`routes/admin/_middleware.ts`) enforces on every page, feed and form post, and that the
 * admin shell's navigation is drawn from, so a link is shown exactly when following it is allowed.
 *
 * - owner: everything, and the only role that manages staff accounts and sees the System page (health,
 *   metrics, failure flags);
 * - manager: orders, customers, kitchen, menu, dead letters (not staff accounts);
 * - kitchen: the kitchen display only.
 *
 * Everyone signed in may sign out and change their own password (`/admin/account`).
 *
 * @module
 */
import { STAFF_ROLES, type StaffRole } from "../../services/common/auth/staff_claim.ts";

export { STAFF_ROLES, type StaffRole };

/** A part of the admin. */
export interface AdminSection {
  /** Stable name (used in tests and `data-section`). */
  id: "orders" | "customers" | "kitchen" | "menu" | "dead-letters" | "staff" | "system" | "account";
  /** Where the navigation links to. */
  href: string;
  /** The navigation label. */
  label: string;
  /** Path prefixes that belong to it (a prefix matches itself and anything under it after a "/"). */
  prefixes: readonly string[];
  /** Roles allowed in. */
  roles: readonly StaffRole[];
  /** Shown in the navigation (false for pages reached from elsewhere). */
  nav: boolean;
}

const ALL: readonly StaffRole[] = STAFF_ROLES;
const MANAGERS: readonly StaffRole[] = ["owner", "manager"];

/** Every section, in navigation order. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    id: "orders",
    href: "/admin",
    label: "Orders",
    prefixes: ["/admin/orders", "/admin/api/orders"],
    roles: MANAGERS,
    nav: true,
  },
  {
    id: "customers",
    href: "/admin/customers",
    label: "Customers",
    prefixes: ["/admin/customers"],
    roles: MANAGERS,
    nav: true,
  },
  {
    id: "kitchen",
    href: "/admin/kitchen",
    label: "Kitchen",
    prefixes: ["/admin/kitchen", "/admin/api/kitchen"],
    roles: ALL,
    nav: true,
  },
  {
    id: "menu",
    href: "/admin/menu",
    label: "Menu",
    prefixes: ["/admin/menu", "/admin/stock"],
    roles: MANAGERS,
    nav: true,
  },
  {
    id: "dead-letters",
    href: "/admin/dead-letters",
    label: "Dead letters",
    prefixes: ["/admin/dead-letters"],
    roles: MANAGERS,
    nav: true,
  },
  {
    id: "staff",
    href: "/admin/staff",
    label: "Staff",
    prefixes: ["/admin/staff"],
    roles: ["owner"],
    nav: true,
  },
  {
    id: "system",
    href: "/admin/system",
    label: "System",
    prefixes: ["/admin/system"],
    roles: ["owner"],
    nav: true,
  },
  {
    id: "account",
    href: "/admin/account",
    label: "My account",
    prefixes: ["/admin/account", "/admin/logout"],
    roles: ALL,
    nav: false,
  },
];

/** Paths anyone may reach (signed in or not). */
const PUBLIC = ["/admin/login"];

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + "/");
}

/** The section `path` belongs to; `/admin` itself is the orders dashboard; null for unknown paths. */
export function sectionOf(path: string): AdminSection | null {
  if (path === "/admin" || path === "/admin/") return ADMIN_SECTIONS[0]!;
  return ADMIN_SECTIONS.find((s) => s.prefixes.some((p) => under(path, p))) ?? null;
}

/** True for the pages open to anybody (the login page). */
export function isPublicAdminPath(path: string): boolean {
  return PUBLIC.some((p) => under(path, p));
}

/**
 * True when `role` may open `path` (any method). Unknown admin paths are owner-only, so a page added
 * without a section is never open to every role by accident.
 */
export function mayAccess(role: StaffRole, path: string): boolean {
  if (isPublicAdminPath(path)) return true;
  const section = sectionOf(path);
  return section ? section.roles.includes(role) : role === "owner";
}

/** The sections `role` sees in the navigation. */
export function navFor(role: StaffRole): AdminSection[] {
  return ADMIN_SECTIONS.filter((s) => s.nav && s.roles.includes(role));
}

/** Where `role` lands after signing in (the first section it may open). */
export function homeOf(role: StaffRole): string {
  return navFor(role)[0]?.href ?? "/admin/account";
}

/** A role for people. */
export function roleLabel(role: StaffRole): string {
  return role === "owner" ? "Owner" : role === "manager" ? "Manager" : "Kitchen";
}
