/**
 * UUIDv7s whose 73 bits after the timestamp are all fresh randomness (the top bit of the 31-bit sequence
 * field stays 0). npm:uuid's `v7()` without options keeps a counter there within a millisecond (RFC
 * 9562's monotonic method), so an id made right after another is that one plus one in its sequence
 * field, with 42 random bits left; given the random bytes, it uses them all. Ids that must not be
 * guessed from a neighbour (order ids, cart nonces) come from here; they sort by their millisecond,
 * though not within one.
 *
 * @module
 */
import { v7 } from "uuid";

/** A UUIDv7 for time `msecs` (default now) with 73 random bits from `random` (default fresh). */
export function randomUuidV7(
  msecs: number = Date.now(),
  random: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
): string {
  return v7({ msecs, random });
}
