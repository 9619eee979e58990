/**
 * Retry delays that grow after each failure, with jitter so a fleet does not retry in step.
 *
 * @module
 */

/** Options of {@linkcode backoffMs}. */
export interface BackoffOptions {
  /** Delay after the first failure in ms (default 500). */
  baseMs?: number;
  /** Largest delay in ms (default 30000). */
  maxMs?: number;
}

/** The delay before retry number `attempt` (1 for the first retry): doubling, capped, 50-100% jitter. */
export function backoffMs(attempt: number, { baseMs = 500, maxMs = 30_000 }: BackoffOptions = {}): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp / 2 + Math.random() * exp / 2);
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
