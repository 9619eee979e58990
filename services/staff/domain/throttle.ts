/**
 * The login throttle's rule, pure: failed attempts are counted in sliding windows, and an attempt is
 * either checked at once or refused at once with the seconds until it would be checked. Nothing
 * waits.
 *
 * - A **known device** (a browser holding a device cookie web signed when it last logged in) counts
 *   only against its own limit (`device`): nothing anyone else does can refuse it, so the staff's own
 *   browsers get in while an attacker hammers, even from the same address.
 * - Every **other attempt** counts against, and is refused past, three limits at once: its client
 *   address, the account it tries, and all such attempts together (`global`): however many addresses
 *   an attacker has, it gets at most `global` guesses per window.
 *
 * An attempt takes its place in the windows before its password is checked (a success gives it back),
 * so parallel attempts, on any web replica, cannot slip past a limit. Refused attempts are not counted.
 *
 * @module
 */

/** Which limit an attempt counts against. */
export type LimitScope = "device" | "address" | "account" | "global";

/** The limits. */
export interface ThrottleLimits {
  /** Length of the sliding window in ms (default 15 minutes). */
  windowMs: number;
  /** Failures allowed per known device and window (default 10). */
  device: number;
  /** Failures allowed per client address and window (default 10). */
  address: number;
  /** Failures allowed per account and window from browsers that are not known devices (default 50). */
  account: number;
  /** Failures allowed in all, per window, from browsers that are not known devices (default 100). */
  global: number;
}

/** The limits unless configured otherwise. */
export const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000,
  device: 10,
  address: 10,
  account: 50,
  global: 100,
};

/** Who is trying to log in. */
export interface LoginAttempt {
  /** The account tried (its name key). */
  account: string;
  /** The client's address. */
  address: string;
  /** The id of a known device, or "" / null. */
  device: string | null;
}

/** One window: a scope, its key and the failure times in it (oldest first). */
export interface Window {
  scope: LimitScope;
  key: string;
  times: number[];
}

/** The windows (scope and key) an attempt counts against. */
export function windowsOf(who: LoginAttempt): { scope: LimitScope; key: string }[] {
  if (who.device) return [{ scope: "device", key: who.device }];
  return [
    { scope: "address", key: who.address },
    { scope: "account", key: who.account },
    { scope: "global", key: "" },
  ];
}

/** `times` without those that left the window ending at `now`. */
export function prune(times: readonly number[], now: number, windowMs: number): number[] {
  return times.filter((t) => t > now - windowMs);
}

/** A refusal: the scope and the seconds to wait. */
export interface Refusal {
  scope: LimitScope;
  retryAfterSeconds: number;
}

/** The refusal of an attempt at `now` against `windows` (already pruned), or null when it may go on. */
export function refusal(windows: readonly Window[], now: number, limits: ThrottleLimits): Refusal | null {
  let worst: { scope: LimitScope; until: number } | null = null;
  for (const w of windows) {
    const limit = limits[w.scope];
    if (w.times.length < limit) continue;
    const until = w.times[w.times.length - limit]! + limits.windowMs;
    if (!worst || until > worst.until) worst = { scope: w.scope, until };
  }
  if (!worst) return null;
  return { scope: worst.scope, retryAfterSeconds: Math.max(1, Math.ceil((worst.until - now) / 1000)) };
}

/** The most times a window keeps (more than any limit needs). */
export function cap(times: number[], limits: ThrottleLimits): number[] {
  const most = Math.max(limits.device, limits.address, limits.account, limits.global);
  return times.length > most ? times.slice(times.length - most) : times;
}
