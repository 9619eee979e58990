/**
 * Writing change records: the change feed's write side. A service calls {@linkcode recordChange} with
 * the atomic operation that commits a state change, so the record commits (or fails) with it; watchers
 * read the records back in commit order (`read.ts`).
 *
 * Key layout (one feed per service and kind, e.g. "orders", "tickets"):
 *
 * | key | value |
 * | --- | --- |
 * | `["change_feed", feed, atMs, uuid]` | {@linkcode ChangeRecord}, or its bytes ({@linkcode encodeRecord}) when recorded `compact` |
 *
 * `atMs` is this process's clock when the record was added (never going backwards within the process
 * and feed).
 * Records expire after {@linkcode CHANGE_RETENTION_MS} (KV's `expireIn`); a cursor older than that is
 * refused and the watcher starts over from the current state.
 *
 * Ordering: keys are not in commit order (a change can commit after another one with a later key), so
 * readers order by versionstamp near the head and use {@linkcode SETTLE_MS}: a record must commit
 * within that long of its `atMs` (across processes: clock skew included). See `read.ts`. In a store
 * only this process writes, the process knows which of its records are still committing
 * (`local_writes.ts`), and readers wait for those alone.
 *
 * @module
 */
import { rememberEntity } from "./entities.ts";
import { stampChange } from "./local_writes.ts";
import { notifyAfterCommit } from "./notifier.ts";

/** First key part of every change record. */
export const CHANGE_FEED: Deno.KvKey = ["change_feed"];

/** How long change records are kept (a reconnect later than this starts over): 6 hours. */
export const CHANGE_RETENTION_MS = 6 * 60 * 60 * 1000;

/**
 * Longest time between {@linkcode recordChange} and the commit of its operation (plus clock skew
 * between writers): 2 s. A change that takes longer may be skipped by live watchers (not lost from
 * the store: the entity itself is still right).
 */
export const SETTLE_MS = 2000;

/** One recorded change. */
export interface ChangeRecord {
  /** The entity that changed (an order id). */
  id: string;
  /** Its status after the change. */
  status: string;
  /** Who may see it besides staff (a customer id), "" if nobody in particular. */
  scope: string;
  /** When it was recorded (ms since the epoch). */
  at: number;
}

/** The key of a record of `feed` at `atMs`. */
export function changeKey(feed: string, atMs: number, id: string): Deno.KvKey {
  return [...CHANGE_FEED, feed, atMs, id];
}

/** A change as a service records it. */
export interface RecordedChange {
  /** The entity that changed (an order id). */
  id: string;
  /** Its status after the change. */
  status: string;
  /** Who may see it besides staff (a customer id). */
  scope?: string;
  /**
   * The entity as this operation writes it: remembered in this process once the operation commits, so
   * watchers here get it with the change instead of reading it back (`entities.ts`). Not stored.
   */
  entity?: unknown;
  /**
   * Store the record as bytes ({@linkcode encodeRecord}) instead of a structured value: a reader skips
   * the records it has seen without deserialising them (a watcher re-reads the last `SETTLE_MS` of its
   * feed on every read). Readers take either form (`decodeRecord`).
   */
  compact?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `record` as the bytes a compact feed stores (JSON of `[id, status, scope, at]`). */
export function encodeRecord(record: ChangeRecord): Uint8Array {
  return encoder.encode(JSON.stringify([record.id, record.status, record.scope, record.at]));
}

/** A stored record's value (bytes of a compact feed, or the structured record) as a {@linkcode ChangeRecord}. */
export function decodeRecord(value: unknown): ChangeRecord {
  if (!(value instanceof Uint8Array)) return value as ChangeRecord;
  const [id, status, scope, at] = JSON.parse(decoder.decode(value)) as [string, string, string, number];
  return { id, status, scope, at };
}

/** The id part of a change record's key (unique per record). */
export function recordIdOf(key: Deno.KvKey): string {
  return key[key.length - 1] as string;
}

/**
 * Adds a change record of `feed` to `op` (the operation that commits the change itself), and wakes
 * this process's watchers of `feed` once `op` has committed. Returns the record's key.
 */
export function recordChange(
  op: Deno.AtomicOperation,
  feed: string,
  change: RecordedChange,
  now: number = Date.now(),
): Deno.KvKey {
  const stamp = stampChange(feed, now, now - SETTLE_MS);
  const at = stamp.at;
  const recordId = crypto.randomUUID();
  const key = changeKey(feed, at, recordId);
  const record: ChangeRecord = { id: change.id, status: change.status, scope: change.scope ?? "", at };
  op.set(key, change.compact ? encodeRecord(record) : record, { expireIn: CHANGE_RETENTION_MS });
  const { entity } = change;
  notifyAfterCommit(
    op,
    feed,
    entity === undefined ? undefined : () => rememberEntity(feed, recordId, entity),
    stamp.settle,
  );
  return key;
}
