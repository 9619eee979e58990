/**
 * Idempotency keys of CreateOrder, as use-case steps over the unit of work: claim a key for an order id,
 * renew a stale claim, release a claim after a failed attempt. A concurrent change re-runs the step on
 * fresh reads (the unit of work), so none of them loops by itself.
 *
 * @module
 */
import type { UnitOfWork } from "../common/unit_of_work.ts";
import { addClaim, addReleaseClaim, getClaim, type IdempotencyClaim } from "./store.ts";

/** The outcome of {@linkcode claimIdempotency}. */
export type ClaimResult =
  | { claimed: true }
  | { claimed: false; existing: IdempotencyClaim; versionstamp: string };

/**
 * Claims `key` for `orderId` (and the request's `fingerprint`, when given) if nobody holds it;
 * otherwise returns the holder.
 *
 * Almost every key is new, so the first attempt does not read it: its commit checks that the key is
 * still free. When that check fails (the key is held: a retry, or a concurrent request with the same
 * key), the unit of work runs the step again, and that run reads the holder.
 */
export function claimIdempotency(
  uow: UnitOfWork,
  customerId: string,
  key: string,
  orderId: string,
  now = Date.now(),
  fingerprint?: string,
): Promise<ClaimResult> {
  const claim: IdempotencyClaim = { orderId, claimedAt: now, ...(fingerprint ? { fingerprint } : {}) };
  let blind = true; // the first attempt writes without reading (see above)
  return uow.run(async (tx): Promise<ClaimResult> => {
    if (!blind) {
      const seen = await getClaim(tx.kv, customerId, key);
      if (seen) return { claimed: false, existing: seen.claim, versionstamp: seen.versionstamp };
    }
    blind = false;
    addClaim(tx.op, customerId, key, claim, null);
    return { claimed: true };
  }, "claimIdempotency");
}

/**
 * Re-claims a stale claim (its first attempt died) for the same order id and fingerprint; false if it
 * changed meanwhile.
 */
export function renewClaim(
  uow: UnitOfWork,
  customerId: string,
  key: string,
  claim: IdempotencyClaim,
  versionstamp: string,
  now = Date.now(),
): Promise<boolean> {
  return uow.run(async (tx) => {
    const seen = await getClaim(tx.kv, customerId, key);
    if (!seen || seen.versionstamp !== versionstamp) return false;
    addClaim(tx.op, customerId, key, { ...claim, claimedAt: now }, seen);
    return true;
  }, "renewClaim");
}

/** Deletes the claim of `key` if it still stands for `orderId` (after a failed first attempt). */
export function releaseClaim(
  uow: UnitOfWork,
  customerId: string,
  key: string,
  orderId: string,
): Promise<void> {
  return uow.run(async (tx) => {
    const seen = await getClaim(tx.kv, customerId, key);
    if (seen && seen.claim.orderId === orderId) addReleaseClaim(tx.op, customerId, key, seen);
  }, "releaseClaim");
}
