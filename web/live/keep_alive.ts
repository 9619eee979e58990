/**
 * One keep-alive timer for every SSE stream of a process: {@linkcode KeepAlive} holds the live streams
 * and, on one interval, sends each a comment line. The interval starts when the first stream is added
 * and stops when the last one is removed, so idle pages cost one timer, not one each.
 *
 * @module
 */

/** What the keep-alive needs of a stream. */
export interface KeepAliveTarget {
  /** Sends a comment line. */
  comment(text: string): void;
}

/** The timer functions {@linkcode KeepAlive} uses (tests pass their own). */
export interface IntervalTimer {
  /** Calls `tick` every `ms`; returns its id. */
  setInterval(tick: () => void, ms: number): unknown;
  /** Stops the interval `id`. */
  clearInterval(id: unknown): void;
}

type IntervalId = ReturnType<typeof setInterval>;

const realTimer: IntervalTimer = {
  setInterval: (tick, ms) => setInterval(tick, ms),
  clearInterval: (id) => clearInterval(id as IntervalId),
};

/** A set of streams that get a comment every `intervalMs`, on one shared interval. */
export class KeepAlive {
  readonly #streams = new Set<KeepAliveTarget>();
  readonly #intervalMs: number;
  readonly #timer: IntervalTimer;
  #id: unknown;

  /** Keep-alive comments every `intervalMs`, on `timer` (default: the global timers). */
  constructor(intervalMs: number, timer: IntervalTimer = realTimer) {
    this.#intervalMs = intervalMs;
    this.#timer = timer;
  }

  /** How many streams are kept alive. */
  get size(): number {
    return this.#streams.size;
  }

  /** Whether the interval is running (it is exactly while there are streams). */
  get running(): boolean {
    return this.#id !== undefined;
  }

  /** Keeps `stream` alive until the returned function is called. */
  add(stream: KeepAliveTarget): () => void {
    this.#streams.add(stream);
    if (this.#id === undefined) this.#id = this.#timer.setInterval(() => this.#tick(), this.#intervalMs);
    return () => {
      if (!this.#streams.delete(stream) || this.#streams.size > 0 || this.#id === undefined) return;
      this.#timer.clearInterval(this.#id);
      this.#id = undefined;
    };
  }

  #tick(): void {
    for (const s of this.#streams) s.comment("keep-alive");
  }
}
