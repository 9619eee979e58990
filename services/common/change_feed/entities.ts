/**
 * The entities recent change records were committed with, remembered in this process so that serving
 * a watcher does not read each changed entity back from KV. {@linkcode recordChange} (`record.ts`) may
 * pass the entity it writes; once its operation commits, the entity is remembered under the record's
 * id, and `readChanges` attaches it to the change it reads (`Change.entity`).
 *
 * The memory is bounded per feed (oldest forgotten first), and only ever holds what committed: a
 * watcher that misses it (a record written by another process, an old record read on resume, one
 * forgotten under load) reads the entity from the store as before. An entity remembered here is shared
 * by every watcher of the process: treat it as immutable.
 *
 * @module
 */

/** Records remembered per feed at most. */
export const MAX_REMEMBERED = 1024;

const byFeed = new Map<string, Map<string, unknown>>();

/** Remembers that the change record `recordId` of `feed` committed with `entity`. */
export function rememberEntity(feed: string, recordId: string, entity: unknown): void {
  let m = byFeed.get(feed);
  if (!m) byFeed.set(feed, m = new Map());
  m.set(recordId, entity);
  if (m.size > MAX_REMEMBERED) m.delete(m.keys().next().value!);
}

/** The entity the change record `recordId` of `feed` committed with, if this process remembers it. */
export function recallEntity(feed: string, recordId: string): unknown {
  return byFeed.get(feed)?.get(recordId);
}
