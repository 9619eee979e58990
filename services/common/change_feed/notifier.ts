/**
 * In-process wake-ups of change-feed watchers: after an operation holding a change record commits,
 * every watcher of that feed in this process reads the new records. Nothing is polled: a watcher
 * waits for {@linkcode changeSignal}`(feed).next(seen)`.
 *
 * Feeds are named per service ("orders", "tickets"); two stores in one process with the same feed
 * name (tests) wake each other's watchers, which then read and find nothing new: harmless.
 *
 * @module
 */

/** A counter of commits on one feed that watchers can wait on. */
export class ChangeSignal {
  #generation = 0;
  #waiters: (() => void)[] = [];

  /** How many commits have been signalled so far. */
  get generation(): number {
    return this.#generation;
  }

  /** Wakes every waiter. */
  notify(): void {
    this.#generation++;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once the generation is past `seen` (at once if it already is), or when `signal` aborts. */
  next(seen: number, signal?: AbortSignal): Promise<void> {
    if (this.#generation !== seen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        resolve();
      };
      this.#waiters.push(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

const signals = new Map<string, ChangeSignal>();

/** This process's signal of `feed`. */
export function changeSignal(feed: string): ChangeSignal {
  let s = signals.get(feed);
  if (!s) signals.set(feed, s = new ChangeSignal());
  return s;
}

/** What an operation signals once it commits. */
interface OnCommit {
  /** Feeds to signal. */
  feeds: Set<string>;
  /** Run before the signals (e.g. remembering the committed entities for the woken watchers). */
  first: (() => void)[];
  /** Run once the commit has settled, succeeded or not (before the signals). */
  settled: (() => void)[];
}

const pendingOf = new WeakMap<Deno.AtomicOperation, OnCommit>();

/**
 * Makes `op.commit()` signal `feed` when it succeeds (once per operation and feed, however many records
 * it holds), running `first` (if given) just before the signals. The commit's result is returned
 * unchanged. A consumer's recording operation (one with an `afterCommit` list, see bus/recording_op.ts)
 * is committed as part of its batch by another operation: the signal then goes on that list, which the
 * consumer runs once the batch has committed. `settled` (if given) runs when the commit has settled,
 * succeeded or failed, before the signals; for a consumer's operation only when its batch commits (a
 * failed batch is redone with new operations).
 */
export function notifyAfterCommit(
  op: Deno.AtomicOperation,
  feed: string,
  first?: () => void,
  settled?: () => void,
): void {
  const known = pendingOf.get(op);
  if (known) {
    known.feeds.add(feed);
    if (first) known.first.push(first);
    if (settled) known.settled.push(settled);
    return;
  }
  const pending: OnCommit = {
    feeds: new Set([feed]),
    first: first ? [first] : [],
    settled: settled ? [settled] : [],
  };
  pendingOf.set(op, pending);
  const settle = () => {
    for (const fn of pending.settled) fn();
  };
  const signal = () => {
    for (const fn of pending.first) fn();
    for (const f of pending.feeds) changeSignal(f).notify();
  };
  const deferred = (op as { afterCommit?: unknown }).afterCommit;
  if (Array.isArray(deferred)) {
    // a recording operation: another operation commits it (with a batch or a group), then runs these;
    // one that also keeps a `settled` list (the unit of work's) runs that whether the commit succeeded
    // or failed
    const onSettled = (op as { settled?: unknown }).settled;
    if (Array.isArray(onSettled)) {
      onSettled.push(settle);
      deferred.push(signal);
    } else {
      deferred.push(() => {
        settle();
        signal();
      });
    }
    return;
  }
  const commit = op.commit.bind(op);
  op.commit = async () => {
    let res: Deno.KvCommitResult | Deno.KvCommitError;
    try {
      res = await commit();
    } finally {
      settle();
    }
    if (res.ok) signal();
    return res;
  };
}
