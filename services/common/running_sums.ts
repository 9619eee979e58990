/**
 * Running sums kept with Deno KV's `sum` mutation: figures (orders per quarter hour, prep times per
 * station) are added to in the commit that changes what they count, with no read and so no conflict
 * between concurrent commits. Sums live in quarter-hour buckets, so a local day in any time zone (every
 * offset is a whole number of quarter hours) is a bounded range of at most 96 buckets. `KvU64` sums
 * wrap around, so adding {@linkcode u64} of a negative number subtracts; {@linkcode signed} reads one
 * back as a signed number.
 *
 * @module
 */

/** Width of a bucket: 15 minutes. */
export const BUCKET_MS = 15 * 60_000;

/** The start of the bucket `ms` falls in. */
export function bucketOf(ms: number): number {
  return ms - (((ms % BUCKET_MS) + BUCKET_MS) % BUCKET_MS);
}

/** `n` as a `KvU64` addend (negative numbers wrap around, so `sum` subtracts). */
export function u64(n: number): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(n)));
}

/** A `KvU64` sum read back as a signed number. */
export function signed(v: Deno.KvU64): number {
  return Number(BigInt.asIntN(64, v.value));
}
