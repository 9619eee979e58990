/**
 * Reading the forms of the staff page (`routes/admin/staff.tsx`): which action, on whom, with what.
 * Bounded and checked here; the rules themselves (name, password length, last owner) are the staff
 * store's, which answers with a message naming the field.
 *
 * @module
 */
import { STAFF_ROLES, type StaffRole } from "./permissions.ts";

/** One action of the staff page. */
export type StaffAction =
  | { kind: "create"; name: string; role: StaffRole; password: string }
  | { kind: "role"; name: string; role: StaffRole }
  | { kind: "disable" | "enable"; name: string }
  | { kind: "password"; name: string; password: string };

/** The action `form` asks for, or the message saying what is wrong with it. */
export function parseStaffAction(form: URLSearchParams): StaffAction | string {
  const action = form.get("action") ?? "";
  const name = (form.get("name") ?? "").trim().slice(0, 64);
  const roleText = form.get("role") ?? "";
  const role = (STAFF_ROLES as readonly string[]).includes(roleText) ? roleText as StaffRole : null;
  const password = (form.get("password") ?? "").slice(0, 1024);
  if (name === "") return "Enter a name.";
  switch (action) {
    case "create":
      if (!role) return `Choose a role: ${STAFF_ROLES.join(", ")}.`;
      return { kind: "create", name, role, password };
    case "role":
      if (!role) return `Choose a role: ${STAFF_ROLES.join(", ")}.`;
      return { kind: "role", name, role };
    case "disable":
    case "enable":
      return { kind: action, name };
    case "password":
      return { kind: "password", name, password };
    default:
      return `Unknown action "${action.slice(0, 32)}".`;
  }
}

/** What the page tells after `a` succeeded. */
export function doneText(a: StaffAction): string {
  switch (a.kind) {
    case "create":
      return `Added ${a.name} (${a.role}).`;
    case "role":
      return `${a.name} is now ${a.role === "owner" ? "an" : "a"} ${a.role}.`;
    case "disable":
      return `${a.name} is disabled and signed out everywhere.`;
    case "enable":
      return `${a.name} can log in again.`;
    case "password":
      return `New password set for ${a.name}; their sessions have ended.`;
  }
}
