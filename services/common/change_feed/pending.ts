/**
 * The change records this process has added to operations that have not committed yet, per feed: the
 * low-water mark a reader of a single-writer feed may trust instead of the fixed `SETTLE_MS` window.
 *
 * A reader must not move its cursor past a key whose record may still commit (`read.ts`). With other
 * writers it cannot know which those are, and keeps the last `SETTLE_MS` open (re-reading every record
 * of it on every read). When this process is the store's only writer (a local store is held by one
 * process, `common/kv.ts`), every record that may still commit is one registered here: the cursor may
 * move up to just before the oldest of them, and a read lists only the records after it.
 *
 * A record leaves when its operation's commit resolves (either way), or, for an operation nobody
 * commits (work that threw, a consumer's discarded run), once it is older than the settle time: the
 * same bound the settle window gives a record with other writers.
 *
 * @module
 */

const byFeed = new Map<string, Map<string, number>>();

/** Pending records per feed above which expired ones are dropped on the next add. */
const PRUNE_ABOVE = 256;

/**
 * Notes that record `recordId` of `feed`, keyed at `atMs`, may still commit. Records older than
 * `settleMs` are dropped here too once many are pending (on a feed nobody reads single-writer, none
 * would drop them otherwise).
 */
export function addPending(feed: string, recordId: string, atMs: number, settleMs: number): void {
  let m = byFeed.get(feed);
  if (!m) byFeed.set(feed, m = new Map());
  if (m.size >= PRUNE_ABOVE) pendingLowWater(feed, atMs, settleMs);
  m.set(recordId, atMs);
}

/** How many records of `feed` are pending (tests). */
export function pendingCount(feed: string): number {
  return byFeed.get(feed)?.size ?? 0;
}

/** Notes that record `recordId` of `feed` has committed or never will. */
export function settlePending(feed: string, recordId: string): void {
  byFeed.get(feed)?.delete(recordId);
}

/**
 * The key time below which no record of `feed` registered here can still commit: the oldest pending
 * record's, or `now` when none is pending. Records older than `settleMs` are forgotten first.
 */
export function pendingLowWater(feed: string, now: number, settleMs: number): number {
  const m = byFeed.get(feed);
  if (!m || m.size === 0) return now;
  let low = now;
  const expired = now - settleMs;
  for (const [id, at] of m) {
    if (at < expired) m.delete(id);
    else if (at < low) low = at;
  }
  return low;
}
