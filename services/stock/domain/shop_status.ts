/**
 * The shop's busy mode: extra minutes staff add to the pickup estimate customers see while the
 * kitchen is behind. Stored by stock (one record shared by every web replica).
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";

/** Most extra minutes busy mode may add. */
export const MAX_BUSY_MINUTES = 120;

/** The shop's status as stored. */
export interface ShopStatusRecord {
  /** Minutes added to the preparation estimate (0 = not busy). */
  busyMinutes: number;
  /** The staff member who set it. */
  updatedBy?: string;
  /** ISO time it was set. */
  updatedAt?: string;
}

/** The status of a shop nobody has set yet. */
export const NOT_BUSY: ShopStatusRecord = { busyMinutes: 0 };

/**
 * The status with busy mode at `minutes` (an integer from 0 to {@linkcode MAX_BUSY_MINUTES}), set by
 * `staff` at `at`. Throws `invalid_argument` (field `minutes`) naming the value otherwise.
 */
export function setBusy(minutes: number, staff: string, at: Date): ShopStatusRecord {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_BUSY_MINUTES) {
    throw new DomainError(
      "invalid_argument",
      `Busy minutes must be a whole number from 0 to ${MAX_BUSY_MINUTES}, got ${minutes}`,
      { field: "minutes" },
    );
  }
  return { busyMinutes: minutes, updatedBy: staff, updatedAt: at.toISOString() };
}
