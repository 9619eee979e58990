/**
 * Counting failure-flag firings. Every time a flag makes something fail or slow down on purpose,
 * {@linkcode flagFired} counts it in this process, logs it at debug, logs a warning the first time each
 * flag fires in the process (so an operator sees that failures are deliberate, and a test can tell that
 * a flag fired from the log alone), counts `oms_flag_fired_total{flag}` when metrics are on, and calls
 * the listener (`setFlagFiredListener`).
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { FlagKey } from "./keys.ts";
import { countFlagFired } from "../metrics/record.ts";

/** The message of the warning logged the first time a flag fires in a process. */
export const FIRST_FIRING_MSG = "failure flag fired: failing on purpose";

const counts = new Map<FlagKey, number>();
let listener: ((flag: FlagKey) => void) | undefined;
let logger: Logger | undefined;

/** Calls `fn` on every firing (one listener; `undefined` removes it). */
export function setFlagFiredListener(fn: ((flag: FlagKey) => void) | undefined): void {
  listener = fn;
}

/** Where firings are logged (set by `setupFlags`). */
export function setFlagFiredLogger(log: Logger | undefined): void {
  logger = log;
}

/** Counts one firing of `flag` (with what it did, for the debug line). */
export function flagFired(flag: FlagKey, detail: Record<string, unknown> = {}): void {
  const n = (counts.get(flag) ?? 0) + 1;
  counts.set(flag, n);
  if (n === 1) logger?.warn(FIRST_FIRING_MSG, { flag, ...detail });
  else logger?.debug("failure flag fired", { flag, ...detail });
  countFlagFired(flag); // oms_flag_fired_total{flag} (nothing without metrics)
  try {
    listener?.(flag);
  } catch {
    // a counter never breaks the failure it counts
  }
}

/** Firings per flag in this process since start (or the last reset). */
export function firedCounts(): Partial<Record<FlagKey, number>> {
  return Object.fromEntries(counts);
}

/** Forgets the counts (tests). */
export function resetFiredCounts(): void {
  counts.clear();
}
