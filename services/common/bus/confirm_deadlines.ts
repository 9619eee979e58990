/**
 * Deadlines of publisher confirms on one timer: every publish waits for its confirm at most `timeoutMs`,
 * but arming and clearing a timer per publish costs more than the publish's own bookkeeping. The waits
 * share one timer, armed for the oldest wait: every wait has the same timeout, so the waits expire in
 * the order they began. The timer is cleared when no wait is left (so nothing keeps the process alive).
 *
 * @module
 */

interface Wait {
  readonly deadline: number;
  readonly expire: () => void;
}

/** The open waits for confirms of one transport, each expiring `timeoutMs` after it began. */
export class ConfirmDeadlines {
  /** Open waits, oldest first (Set keeps insertion order). */
  readonly #waits = new Set<Wait>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = 0;

  /**
   * Waits expire `timeoutMs` after they begin. `now` is the clock (for tests); the default is the
   * monotonic `performance.now`, so a wall-clock step (NTP, a VM resumed) neither holds waits open nor
   * expires them early.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Begins a wait: `expire` runs if it is still open `timeoutMs` from now. Returns what ends it (the
   * confirm came); ending it twice, or after it expired, does nothing.
   */
  begin(expire: () => void): () => void {
    const wait: Wait = { deadline: this.now() + this.timeoutMs, expire };
    this.#waits.add(wait);
    if (this.#timer === undefined) this.#arm(wait.deadline);
    return () => {
      if (this.#waits.delete(wait) && this.#waits.size === 0) this.#disarm();
    };
  }

  /** Open waits. */
  get size(): number {
    return this.#waits.size;
  }

  #arm(deadline: number): void {
    clearTimeout(this.#timer); // an expire that began a wait armed it already
    this.#armedFor = deadline;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, deadline - this.now()));
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Expires the waits past their deadline (the oldest ones) and arms the timer for the next. */
  #expire(): void {
    this.#timer = undefined;
    const now = Math.max(this.now(), this.#armedFor);
    for (const wait of this.#waits) {
      if (wait.deadline > now) {
        this.#arm(wait.deadline);
        return;
      }
      this.#waits.delete(wait);
      try {
        wait.expire();
      } catch {
        // an expire callback that throws must not leave the later waits without a timer
      }
    }
  }
}
