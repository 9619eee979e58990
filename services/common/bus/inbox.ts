/**
 * The consumer's inbox: the ids of processed messages, and reading whether a batch's ids were seen
 * with as few KV reads as Deno KV allows (`getMany`, at most {@linkcode GET_MANY_MAX} keys a call).
 *
 * | key | value |
 * | --- | --- |
 * | `["inbox", messageId]` | when and under which routing key it was processed |
 *
 * @module
 */

/** The KV prefix of processed message ids. */
export const INBOX_PREFIX: Deno.KvKey = ["inbox"];
/** Keys per `kv.getMany` call at most (Deno KV's limit). */
export const GET_MANY_MAX = 10;

/** The inbox key of message `id`. */
export function inboxKeyOf(id: string): Deno.KvKey {
  return [...INBOX_PREFIX, id];
}

/** Whether a batch's message ids were in the inbox when read; each id's answer can be taken once. */
export interface InboxSnapshot {
  /**
   * True when `id` was seen, false when it was not, undefined when there is no (more) answer for it:
   * the caller then reads the inbox itself (a second copy of an id, or a re-run after a commit).
   */
  take(id: string): boolean | undefined;
}

/** Reads the inbox entries of `ids` (empty ids skipped, duplicates once) in chunks of {@linkcode GET_MANY_MAX}. */
export async function readInbox(kv: Deno.Kv, ids: readonly string[]): Promise<InboxSnapshot> {
  const unique = [...new Set(ids.filter((id) => id !== ""))];
  const seen = new Map<string, boolean>();
  for (let i = 0; i < unique.length; i += GET_MANY_MAX) {
    const chunk = unique.slice(i, i + GET_MANY_MAX);
    const entries = await kv.getMany(chunk.map(inboxKeyOf));
    entries.forEach((e, j) => seen.set(chunk[j]!, e.versionstamp !== null));
  }
  return inboxSnapshot(seen);
}

/** The snapshot of inbox answers `seen` (message id -> whether its entry was there). */
export function inboxSnapshot(seen: Map<string, boolean>): InboxSnapshot {
  return {
    take(id) {
      const answer = seen.get(id);
      seen.delete(id);
      return answer;
    },
  };
}
