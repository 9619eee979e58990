/**
 * Following a change feed: {@linkcode watchChanges} yields every change after a cursor, then each new
 * one as its commit is signalled in this process (`notifier.ts`), until the signal aborts. Reads are
 * triggered by commits, never by a timer, except while catching up with records not yet settled.
 *
 * @module
 */
import { changeSignal } from "./notifier.ts";
import { type Change, readChanges, type ReadOptions } from "./read.ts";
import type { FeedCursor } from "./cursor.ts";
import { SETTLE_MS } from "./record.ts";

/** Options of {@linkcode watchChanges}. */
export interface WatchOptions extends ReadOptions {
  /** Stops the watch. */
  signal: AbortSignal;
  /**
   * Least time between two reads while commits keep coming (default 25 ms): a busy feed is read in
   * batches instead of once per commit.
   */
  minGapMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Yields the changes of `feed` in `kv` after `cursor`, then as they commit, until `opts.signal` aborts. */
export async function* watchChanges(
  kv: Deno.Kv,
  feed: string,
  cursor: FeedCursor,
  opts: WatchOptions,
): AsyncGenerator<Change> {
  const { signal, minGapMs = 25, ...read } = opts;
  const settleMs = read.settleMs ?? SETTLE_MS;
  const commits = changeSignal(feed);
  let at = cursor;
  while (!signal.aborted) {
    const seen = commits.generation;
    const started = Date.now();
    const res = await readChanges(kv, feed, at, read);
    at = res.cursor;
    for (const c of res.changes) {
      if (signal.aborted) return;
      yield c;
    }
    if (res.more) {
      if (res.changes.length === 0) await sleep(settleMs, signal);
      continue;
    }
    await commits.next(seen, signal);
    const gap = minGapMs - (Date.now() - started);
    if (gap > 0 && !signal.aborted) await sleep(gap, signal);
  }
}
