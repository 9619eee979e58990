/**
 * Slows password guessing: login attempts from one client (by IP address) run one at a time, and each
 * one waits `baseDelayMs * 2^(failures - 1)` (capped at `maxDelayMs`) after that client's recent
 * failures before its password is even checked. Parallel requests queue behind each other, so they do
 * not get around the delay. A successful login clears the count; counts are forgotten after `windowMs`
 * without failures. The table is bounded (`maxClients`, oldest dropped first).
 *
 * @module
 */

/** Options of {@linkcode LoginLimiter}. */
export interface LimiterOptions {
  /** Wait after the first failure in ms (default 500). */
  baseDelayMs?: number;
  /** Longest wait in ms (default 8000). */
  maxDelayMs?: number;
  /** Failures are forgotten this long after the last one, in ms (default 15 minutes). */
  windowMs?: number;
  /** Most clients tracked (default 10000). */
  maxClients?: number;
  /** The clock (tests). */
  now?: () => number;
  /** How to wait (tests). */
  sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  failures: number;
  lastFailure: number;
  queue: Promise<unknown>;
}

/** Per-client serialisation and growing delay of login attempts. */
export class LoginLimiter {
  readonly #clients = new Map<string, Entry>();
  readonly #base: number;
  readonly #max: number;
  readonly #window: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  /** Creates a limiter. */
  constructor(options: LimiterOptions = {}) {
    this.#base = options.baseDelayMs ?? 500;
    this.#max = options.maxDelayMs ?? 8000;
    this.#window = options.windowMs ?? 15 * 60_000;
    this.#maxClients = options.maxClients ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Recent failures of `client`. */
  failures(client: string): number {
    const e = this.#clients.get(client);
    if (!e) return 0;
    if (this.#now() - e.lastFailure >= this.#window) return 0;
    return e.failures;
  }

  /** The wait before the next attempt of `client`, in ms. */
  delayFor(client: string): number {
    const n = this.failures(client);
    return n === 0 ? 0 : Math.min(this.#max, this.#base * 2 ** (n - 1));
  }

  /**
   * Runs one login attempt of `client`: waits its turn and its delay, then runs `check`, which returns
   * true on success. Resolves with `check`'s answer.
   */
  attempt(client: string, check: () => Promise<boolean>): Promise<boolean> {
    let e = this.#clients.get(client);
    if (!e) {
      e = { failures: 0, lastFailure: 0, queue: Promise.resolve() };
      this.#clients.set(client, e);
      while (this.#clients.size > this.#maxClients) {
        const oldest = this.#clients.keys().next().value;
        if (oldest === undefined || oldest === client) break;
        this.#clients.delete(oldest);
      }
    }
    const entry = e;
    const run = async (): Promise<boolean> => {
      const wait = this.delayFor(client);
      if (wait > 0) await this.#sleep(wait);
      const ok = await check();
      if (ok) {
        entry.failures = 0;
      } else {
        entry.failures = this.failures(client) + 1;
        entry.lastFailure = this.#now();
      }
      return ok;
    };
    const result = entry.queue.then(run, run);
    entry.queue = result.catch(() => {});
    return result;
  }
}
