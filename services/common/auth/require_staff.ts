/**
 * The one check of the staff-only RPCs: a call is a staff call only when its metadata carries a
 * valid, unexpired staff claim web signed (`x-oms-staff`, see `staff_claim.ts`); otherwise the handler
 * answers PERMISSION_DENIED before it reads or changes anything. Calls services make to each other
 * carry only the service token, so they never reach a staff-only RPC.
 *
 * @module
 */
import type { Metadata } from "@grpc/grpc-js";
import { DomainError } from "../domain_error.ts";
import type { StaffClaim, StaffClaims } from "./staff_claim.ts";

/**
 * The staff claim `metadata` carries, verified with `claims`; throws `permission_denied` naming `what`
 * ("Restocking an item") when there is none, or it is forged or expired.
 */
export function requireStaff(claims: StaffClaims, metadata: Metadata, what: string): StaffClaim {
  const claim = claims.fromMetadata(metadata);
  if (!claim) {
    throw new DomainError(
      "permission_denied",
      `${what} is for staff only: the call carries no valid staff claim`,
    );
  }
  return claim;
}

/**
 * {@linkcode requireStaff}, and the claim's role must be owner or manager (the kitchen role runs the
 * kitchen display only); throws `permission_denied` naming what it may not do (`what`: "refund orders").
 */
export function requireManager(claims: StaffClaims, metadata: Metadata, what: string): StaffClaim {
  const staff = requireStaff(claims, metadata, `Being allowed to ${what}`);
  if (staff.role === "owner" || staff.role === "manager") return staff;
  throw new DomainError(
    "permission_denied",
    `A ${staff.role} account cannot ${what}; an owner or a manager can`,
  );
}
