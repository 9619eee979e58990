/**
 * The busy-mode control of the admin's menu page: the choices it offers and the check of what it sends.
 *
 * @module
 */

/** Most extra minutes (stock's limit). */
export const MAX_BUSY_MINUTES = 120;

/** The choices the page offers (any whole number within the limit is accepted). */
export const BUSY_CHOICES: readonly number[] = [0, 10, 15, 20, 30, 45, 60, 90, 120];

/** Checks the minutes sent; the number or the message to show. */
export function parseBusyMinutes(value: string): number | string {
  const v = value.trim();
  if (!/^\d{1,4}$/.test(v)) {
    return `Busy minutes must be a whole number from 0 to ${MAX_BUSY_MINUTES}, got "${v.slice(0, 20)}".`;
  }
  const n = Number(v);
  if (n > MAX_BUSY_MINUTES) return `Busy minutes must be from 0 to ${MAX_BUSY_MINUTES}, got ${n}.`;
  return n;
}
