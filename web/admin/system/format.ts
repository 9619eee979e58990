/**
 * Numbers as the System page writes them: rates per second, durations in ms, ages.
 *
 * @module
 */

/** A rate per second: `0`, `0.05`, `2.4`, `130`. */
export function formatRate(n: number): string {
  if (n === 0) return "0";
  if (n < 0.1) return n.toFixed(2);
  if (n < 10) return n.toFixed(1);
  return String(Math.round(n));
}

/** A duration in ms: `—` when unknown, `4.2 ms`, `230 ms`, `1.5 s`. */
export function formatMs(n: number | null): string {
  if (n === null) return "—";
  if (n < 10) return `${n.toFixed(1)} ms`;
  if (n < 1000) return `${Math.round(n)} ms`;
  return `${(n / 1000).toFixed(1)} s`;
}

/** An age in seconds: `0 s`, `42 s`, `3 min`, `2.5 h`. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
