/**
 * How the dashboard's figures read (no dependencies: the island imports it).
 *
 * @module
 */

/** A ticket time for people ("12 min 05 s", "45 s", "–" for none). */
export function formatTicketTime(ms: number): string {
  if (!ms || ms < 0) return "–";
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m} min ${String(s).padStart(2, "0")} s` : `${s} s`;
}
