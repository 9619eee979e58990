/**
 * Staff accounts as data, and the rules about them: what a name and a password must look like, the
 * roles, and that an owner may never leave the shop without an active owner. Pure: no I/O, no clock.
 *
 * @module
 */
import { STAFF_ROLES, type StaffRole } from "../../common/auth/staff_claim.ts";
import { DomainError } from "../../common/domain_error.ts";
import type { PasswordHash } from "./password_hash.ts";

export { STAFF_ROLES, type StaffRole };

/** One member of staff, as stored. */
export interface Account {
  /** The name as typed when the account was made (shown, and the `sub` of their staff claims). */
  name: string;
  /** The role: what they may open. */
  role: StaffRole;
  /** A disabled account cannot log in and has no sessions. */
  disabled: boolean;
  /** The password's scrypt hash, with its salt and parameters. */
  password: PasswordHash;
  /** When the account was made (ms since the epoch). */
  createdAt: number;
  /** When the password was last set (ms since the epoch). */
  passwordChangedAt: number;
  /** Who made the account ("" for the first owner, made at start). */
  createdBy: string;
}

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted (the KDF's input stays bounded). */
export const MAX_PASSWORD_LENGTH = 256;
/** Longest name accepted. */
export const MAX_NAME_LENGTH = 32;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The store key of a name: names are unique regardless of case ("Maria" and "maria" are one). */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** `name` trimmed, or `invalid_argument` (field `name`) saying what is wrong with it. */
export function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") throw new DomainError("invalid_argument", "Enter a name", { field: "name" });
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new DomainError(
      "invalid_argument",
      `A name must be at most ${MAX_NAME_LENGTH} characters, got ${trimmed.length}`,
      { field: "name" },
    );
  }
  if (!NAME.test(trimmed)) {
    throw new DomainError(
      "invalid_argument",
      `A name may hold only letters, digits, ".", "_" and "-" (starting with a letter or digit), got "${trimmed}"`,
      { field: "name" },
    );
  }
  return trimmed;
}

/** Nothing, or `invalid_argument` (field `field`) when `password` is too short or too long. */
export function checkPassword(password: string, field = "password"): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError(
      "invalid_argument",
      `A password must be at least ${MIN_PASSWORD_LENGTH} characters, got ${password.length}`,
      { field },
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError(
      "invalid_argument",
      `A password must be at most ${MAX_PASSWORD_LENGTH} characters, got ${password.length}`,
      { field },
    );
  }
}

/** `role` when it is a staff role, else `invalid_argument` (field `role`). */
export function checkRole(role: string): StaffRole {
  if ((STAFF_ROLES as readonly string[]).includes(role)) return role as StaffRole;
  throw new DomainError(
    "invalid_argument",
    `A role must be one of ${STAFF_ROLES.join(", ")}, got "${role}"`,
    { field: "role" },
  );
}

/** True when `a` is an owner who can log in. */
export function isActiveOwner(a: Pick<Account, "role" | "disabled">): boolean {
  return a.role === "owner" && !a.disabled;
}

/** A change of role or of the disabled flag. */
export interface AccountChange {
  /** The new role (unset: unchanged). */
  role?: StaffRole;
  /** Disable (true) or enable (false) (unset: unchanged). */
  disabled?: boolean;
}

/**
 * `account` with `change` applied, or `illegal_transition` when that would leave no active owner
 * among `all` (every account, `account` included).
 */
export function applyChange(account: Account, change: AccountChange, all: readonly Account[]): Account {
  const next: Account = {
    ...account,
    role: change.role ?? account.role,
    disabled: change.disabled ?? account.disabled,
  };
  if (isActiveOwner(account) && !isActiveOwner(next)) {
    const others = all.filter((a) => nameKey(a.name) !== nameKey(account.name) && isActiveOwner(a));
    if (others.length === 0) {
      throw new DomainError(
        "illegal_transition",
        `${account.name} is the last active owner: make another owner first, so someone can still manage staff`,
        { field: change.disabled ? "disabled" : "role" },
      );
    }
  }
  return next;
}
