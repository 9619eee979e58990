/**
 * What this process knows of its own change records: the time key it gave each one and whether its
 * commit has settled. A reader of a store that only this process writes needs no settle window.
 *
 * Why: a record's key carries the time it was added, but it commits a little later, so a reader cannot
 * tell from the keys alone that no earlier key is still to come; across processes it assumes a record
 * commits within `SETTLE_MS` (2 s) of its time and re-reads that much of the feed's head on every read
 * (`read.ts`). Under load that head holds hundreds of records, listed and decoded again each time.
 *
 * A store that `openStore` marks as written by this process alone (`isSingleWriter` in `kv.ts`: a
 * local file is locked to one process, `:memory:` is private to it) gets every change record keyed
 * here ({@linkcode stampChange}) and settled here when its commit succeeds or fails. So every key
 * below the oldest record still open, and below the time from which new records are keyed
 * ({@linkcode settledBefore} holds it), is final: the reader moves past it at once and lists only
 * what is really in flight.
 *
 * A record whose operation is dropped without committing (work that throws, a consumer batch redone
 * after a failed commit) is never settled; once older than the settle window it no longer holds
 * readers back (the window's own rule covers it), and it is forgotten.
 *
 * @module
 */

/** A record's time key, and how to say its commit has settled (idempotent). */
export interface Stamp {
  /** The record's time key, in ms: never lower than an earlier one of the same feed. */
  readonly at: number;
  /** The record's commit has succeeded or failed: it no longer holds readers back. */
  settle(): void;
}

interface Open {
  at: number;
  open: boolean;
}

interface FeedClock {
  /** The lowest time key the next record may get. */
  nextMs: number;
  /** Records keyed and not yet settled, in key order (keys are handed out in ascending order). */
  open: Open[];
}

const clocks = new Map<string, FeedClock>();

function clockOf(feed: string): FeedClock {
  let c = clocks.get(feed);
  if (!c) clocks.set(feed, c = { nextMs: 0, open: [] });
  return c;
}

/** Drops settled records from the head of `c.open`, and open ones keyed below `beforeMs`. */
function trim(c: FeedClock, beforeMs: number): void {
  let i = 0;
  while (i < c.open.length && (!c.open[i]!.open || c.open[i]!.at < beforeMs)) i++;
  if (i > 0) c.open.splice(0, i);
}

/**
 * Keys a new change record of `feed` at `now` (or at the feed's last key, if that is later: keys never
 * go backwards within a feed) and tracks it as open until {@linkcode Stamp.settle}. Records open since
 * before `forgetBeforeMs` (the settle window's start: readers no longer wait for them) are forgotten
 * here too, so a record never settled cannot make the list grow in a feed nobody reads.
 */
export function stampChange(feed: string, now: number, forgetBeforeMs = -Infinity): Stamp {
  const c = clockOf(feed);
  trim(c, forgetBeforeMs);
  const at = Math.max(c.nextMs, now);
  c.nextMs = at;
  const entry: Open = { at, open: true };
  c.open.push(entry);
  return {
    at,
    settle() {
      if (!entry.open) return;
      entry.open = false;
      trim(c, -Infinity);
    },
  };
}

/**
 * The time below which every record of `feed` this process keys is final, for a read starting at
 * `now` from a cursor at `heldMs`: records keyed from now on get `now` or later (and later than
 * `heldMs`), so the answer is `now - 1`, or just below the oldest record still open, but never lower
 * than `floorMs` (the settle window's own bound: records open since before it are not waited for).
 */
export function settledBefore(feed: string, now: number, floorMs: number, heldMs = -Infinity): number {
  const c = clockOf(feed);
  // a reader's cursor at `heldMs` was served by this feed (maybe by a process before a restart, with
  // a clock ahead of this one's): new records are keyed after it, never below a cursor handed out;
  // as far ahead as the settle window at most (a cursor is the client's input)
  c.nextMs = Math.max(c.nextMs, now, Math.min(heldMs + 1, now + (now - floorMs)));
  trim(c, floorMs);
  const oldest = c.open[0]?.at;
  return Math.max(floorMs, (oldest === undefined ? now : Math.min(now, oldest)) - 1);
}

/** Records of `feed` keyed and not yet settled (for tests and diagnostics). */
export function openChanges(feed: string): number {
  return clocks.get(feed)?.open.filter((o) => o.open).length ?? 0;
}

/** Records of `feed` this process still keeps track of, settled or not (for tests). */
export function trackedChanges(feed: string): number {
  return clocks.get(feed)?.open.length ?? 0;
}
