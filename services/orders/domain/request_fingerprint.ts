/**
 * The fingerprint of a CreateOrder request body, stored with its idempotency key so a retry can be told
 * from a different order sent under the same key: a SHA-256 over the items (sorted, so the same lines in
 * another order count as the same body) and the validated details. Hashed synchronously with
 * `node:crypto` (the same digest as before): `crypto.subtle.digest` is asynchronous, a trip through a
 * worker thread per CreateOrder.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ItemQuantity, OrderDetails } from "../../common/gen/oms/types/v1/types.ts";

/** The fingerprint (lowercase hex SHA-256) of `items` and `details` as validated. */
export function requestFingerprint(
  items: readonly ItemQuantity[],
  details: OrderDetails | undefined,
): string {
  const lines = items.map((i) => [i.itemId, i.quantity] as const)
    .sort(([a, qa], [b, qb]) => a < b ? -1 : a > b ? 1 : qa - qb);
  const who = details
    ? [details.name, details.phone, details.email, details.note, details.pickupAt?.toISOString() ?? ""]
    : null;
  return createHash("sha256").update(JSON.stringify({ lines, who }), "utf8").digest("hex");
}
