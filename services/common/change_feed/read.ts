/**
 * Reading change records after a cursor, so that a watcher receives every committed change exactly
 * once, and near the head in commit order.
 *
 * Why not simply by key: a record's key is taken before its operation commits, so a change can commit
 * after another one with a later key. A reader that remembered only "the last key I read" would skip
 * it. Instead each read:
 *
 * - **Head** (fewer records after the cursor's key than one batch): one `kv.list` batch, which is one
 *   snapshot. Every record in it whose versionstamp is after the cursor's is new; they are returned
 *   sorted by versionstamp (= commit order). Any record committed after the snapshot has a higher
 *   versionstamp than all of them and a key after `readStart - settleMs` (see `SETTLE_MS` in
 *   `record.ts`), so the next cursor is `(readStart - settleMs, highest versionstamp seen)`.
 * - **Catch-up** (a full batch: the watcher is far behind): only records older than
 *   `readStart - settleMs` are returned, in key order; no new record can get such a key any more, so
 *   paging by key is exact. The rest follows on the next read.
 *
 * Where this process alone writes the store (`local_writes.ts`), `readStart - settleMs` is replaced by
 * just below its oldest record still committing (or `readStart`), so the head re-read on each call is
 * only what is in flight instead of the whole settle window.
 *
 * Each change carries the cursor to resume just after it.
 *
 * @module
 */
import { RpcError } from "../errors.ts";
import { END_OF_MS, type FeedCursor } from "./cursor.ts";
import { recallEntity } from "./entities.ts";
import { isSingleWriter } from "../kv.ts";
import { settledBefore } from "./local_writes.ts";
import {
  CHANGE_FEED,
  CHANGE_RETENTION_MS,
  type ChangeRecord,
  decodeRecord,
  recordIdOf,
  SETTLE_MS,
} from "./record.ts";

/** The most entries one Deno KV read returns (a larger `limit` or `batchSize` throws). */
export const MAX_READ_ENTRIES = 1000;

/** Resolves after the microtasks queued so far and one turn of the event loop. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A change as read, with the cursor just after it. */
export interface Change {
  /** The record. */
  record: ChangeRecord;
  /** Resume here to receive the changes after this one. */
  cursor: FeedCursor;
  /**
   * The entity as the change committed it, when this process committed it and still remembers it
   * (`entities.ts`); otherwise absent: read the entity from the store.
   */
  entity?: unknown;
}

/** A stored record, either form (see `RecordedChange.compact`); decoded only when it is delivered. */
type StoredEntry = Deno.KvEntry<unknown>;

function changeOf(feed: string, e: StoredEntry, cursor: FeedCursor): Change {
  const record = decodeRecord(e.value);
  const entity = recallEntity(feed, recordIdOf(e.key));
  return entity === undefined ? { record, cursor } : { record, cursor, entity };
}

/** Options of {@linkcode readChanges}. */
export interface ReadOptions {
  /** See `SETTLE_MS` (default). */
  settleMs?: number;
  /**
   * Records per read: one KV batch, so that a head read is one snapshot (default 1000, the most one
   * Deno KV read returns). A head read lists the last `settleMs` of the feed; when that holds a full
   * batch the read turns to catch-up, which delivers only records older than `settleMs`, so a busy feed
   * (500 records in 2 s is ~45 orders/s) would hold every change back by that much.
   */
  limit?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** The result of one read. */
export interface ReadResult {
  /** New changes, in the order to deliver them. */
  changes: Change[];
  /** Where the next read starts. */
  cursor: FeedCursor;
  /** True when the watcher is behind: read again (after `settleMs` when `changes` was empty). */
  more: boolean;
}

/** Reads the changes of `feed` after `cursor`; throws `invalid_argument` (field "cursor") for one older than retention. */
export async function readChanges(
  kv: Deno.Kv,
  feed: string,
  cursor: FeedCursor,
  { settleMs = SETTLE_MS, limit = MAX_READ_ENTRIES, now = Date.now }: ReadOptions = {},
): Promise<ReadResult> {
  const readStart = now();
  // keys up to `settled` can no longer be taken by a commit: only this process's open records, when it
  // alone writes the store (local_writes.ts); else any record younger than the settle window
  const settled = isSingleWriter(kv)
    ? settledBefore(feed, readStart, readStart - settleMs, cursor.afterMs)
    : readStart - settleMs;
  if (cursor.afterMs < readStart - CHANGE_RETENTION_MS + settleMs) {
    throw new RpcError(
      "invalid_argument",
      `Cursor at ${new Date(cursor.afterMs).toISOString()} has expired: the feed keeps changes for ${
        CHANGE_RETENTION_MS / 3_600_000
      } hours`,
      { field: "cursor" },
    );
  }
  const prefix = [...CHANGE_FEED, feed];
  const entries: StoredEntry[] = [];
  const it = kv.list<unknown>(
    { prefix, start: [...prefix, cursor.afterMs, `${cursor.afterId}\0`] },
    { limit, batchSize: limit },
  );
  for await (const e of it) entries.push(e);
  const isNew = (e: StoredEntry) => e.versionstamp > cursor.vs;

  if (entries.length < limit) {
    // one snapshot: every record committed up to it is here; deliver the new ones in commit order
    const fresh = entries.filter(isNew).sort((a, b) => a.versionstamp < b.versionstamp ? -1 : 1);
    // A record this process just committed can be listed before the continuation of its commit has run
    // and remembered its entity (entities.ts): one turn of the event loop lets it run, so the change is
    // served with its entity instead of being read back from the store.
    if (fresh.some((e) => recallEntity(feed, recordIdOf(e.key)) === undefined)) await nextTurn();
    const changes = fresh.map((e) => changeOf(feed, e, { ...cursor, vs: e.versionstamp }));
    const vs = fresh.length ? fresh[fresh.length - 1]!.versionstamp : cursor.vs;
    const next: FeedCursor = settled > cursor.afterMs
      ? { afterMs: settled, afterId: END_OF_MS, vs }
      : { ...cursor, vs };
    return { changes, cursor: next, more: false };
  }

  // catch-up: only keys no later commit can take any more, in key order
  const changes: Change[] = [];
  let next = cursor;
  for (const e of entries) {
    const [, , atMs, id] = e.key as [string, string, number, string];
    if (atMs > settled) break;
    next = { afterMs: atMs, afterId: id, vs: cursor.vs };
    if (isNew(e)) changes.push(changeOf(feed, e, next));
  }
  return { changes, cursor: next, more: true };
}
