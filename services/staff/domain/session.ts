/**
 * Staff sessions' rules, pure: a session ends at an absolute time after it began or after a time of
 * inactivity, whichever comes first; its last-seen time is written back only now and then (not on every
 * request), which is as fine as the idle timeout needs.
 *
 * @module
 */

/** A session as stored (under the SHA-256 of its id; the id itself is never stored). */
export interface StoredSession {
  /** The account's name key. */
  account: string;
  /** The session's CSRF token. */
  csrf: string;
  /** When it began (ms since the epoch). */
  createdAt: number;
  /** Last request, as last written (ms since the epoch). */
  seenAt: number;
}

/** Session lifetimes. */
export interface SessionLimits {
  /** Absolute lifetime in ms (default 8 hours). */
  ttlMs: number;
  /** Idle timeout in ms (default 2 hours). */
  idleMs: number;
  /** How stale `seenAt` may get before it is written again (default 1 minute). */
  touchMs: number;
}

/** The lifetimes unless configured otherwise. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  ttlMs: 8 * 3600_000,
  idleMs: 2 * 3600_000,
  touchMs: 60_000,
};

/** True when `s` is still alive at `now`. */
export function isLive(s: StoredSession, now: number, limits: SessionLimits): boolean {
  return now - s.createdAt < limits.ttlMs && now - s.seenAt < limits.idleMs;
}

/** True when `s`'s last-seen time should be written at `now`. */
export function needsTouch(s: StoredSession, now: number, limits: SessionLimits): boolean {
  return now - s.seenAt >= limits.touchMs;
}

/** How long the store keeps `s` (its KV `expireIn`) when last seen at `seenAt`: until idle or the end. */
export function keepFor(s: StoredSession, seenAt: number, limits: SessionLimits): number {
  return Math.max(1, Math.min(limits.idleMs, s.createdAt + limits.ttlMs - seenAt));
}
