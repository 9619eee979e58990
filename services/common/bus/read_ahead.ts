/**
 * Read-ahead for a batch of deliveries: a handler may say which keys it reads first for an event
 * ({@linkcode withReadAhead}); the batching consumer then reads those keys of the whole batch together,
 * in one `getMany` per {@linkcode GET_MANY_MAX} keys ({@linkcode readAhead}), before any handler of
 * the batch runs, and serves each handler's first read of them from that snapshot
 * ({@linkcode ReadSnapshot.serve}) instead of a store round trip each.
 *
 * Nothing about correctness changes: a handler checks the versionstamps of what it read in its
 * operation, exactly as with a read of its own, so an entry that changed after the snapshot makes the
 * batch's commit fail and the consumer re-run each delivery alone on fresh reads. The consumer drops the
 * snapshot whenever it commits part of a batch early (a later delivery then reads what that commit
 * wrote), and serves an entry to one read only.
 *
 * Orders reads each event's order this way: a batch of payment and kitchen events costs one round trip
 * per five orders instead of one per event. A delivery that arrives alone reads its keys with its inbox
 * entry ({@linkcode readInboxAndAhead}): one round trip instead of two.
 *
 * @module
 */
import type { EventPayload, RoutingKey } from "../events.ts";
import { GET_MANY_MAX, inboxKeyOf, type InboxSnapshot, inboxSnapshot } from "./inbox.ts";
import { keyId } from "./touched_keys.ts";
import type { EventHandler } from "./types.ts";

/** The keys a handler reads first for `event`. */
export type ReadAheadKeys<K extends RoutingKey> = (event: EventPayload<K>) => readonly Deno.KvKey[];

const KEYS = Symbol("oms.readAhead");

type WithKeys<K extends RoutingKey> = EventHandler<K> & { [KEYS]?: ReadAheadKeys<K> };

/** `handler`, marked as reading `keys(event)` first (see the module doc). */
export function withReadAhead<K extends RoutingKey>(
  handler: EventHandler<K>,
  keys: ReadAheadKeys<K>,
): EventHandler<K> {
  const marked = handler as WithKeys<K>;
  marked[KEYS] = keys;
  return marked;
}

/** The keys `handler` reads first for `event`, none when it did not say. */
export function readAheadKeysOf<K extends RoutingKey>(
  handler: EventHandler<K>,
  event: EventPayload<K>,
): readonly Deno.KvKey[] {
  return (handler as WithKeys<K>)[KEYS]?.(event) ?? [];
}

/** Entries read ahead for a batch, each served to one read. */
export class ReadSnapshot {
  readonly #entries = new Map<string, Deno.KvEntryMaybe<unknown>>();

  /** Adds `entry` (as read). */
  add(entry: Deno.KvEntryMaybe<unknown>): void {
    this.#entries.set(keyId(entry.key), entry);
  }

  /** How many entries are left to serve. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entries of `keys` when every one of them was read ahead and not served yet (each is then
   * served, so a second read of it goes to the store); undefined otherwise, and nothing is taken.
   */
  serve(keys: readonly Deno.KvKey[]): Deno.KvEntryMaybe<unknown>[] | undefined {
    const ids = keys.map(keyId);
    if (!ids.every((id) => this.#entries.has(id))) return undefined;
    return ids.map((id) => {
      const entry = this.#entries.get(id)!;
      this.#entries.delete(id);
      return entry;
    });
  }
}

/** Reads `keys` (duplicates once) in one `getMany` per {@linkcode GET_MANY_MAX}; the snapshot. */
export async function readAhead(kv: Deno.Kv, keys: readonly Deno.KvKey[]): Promise<ReadSnapshot> {
  const snapshot = new ReadSnapshot();
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  const chunks: Deno.KvKey[][] = [];
  for (let i = 0; i < unique.length; i += GET_MANY_MAX) chunks.push(unique.slice(i, i + GET_MANY_MAX));
  for (const entries of await Promise.all(chunks.map((c) => kv.getMany(c)))) {
    for (const e of entries) snapshot.add(e);
  }
  return snapshot;
}

/**
 * Reads the inbox entry of message `id` and `keys` (a lone delivery's read-ahead) in ONE `getMany`: a
 * delivery that arrives alone costs one store round trip before its handler runs instead of two (its
 * inbox, then its handler's first read). Needs `id` non-empty and at most {@linkcode GET_MANY_MAX} - 1
 * distinct keys; throws a RangeError otherwise.
 */
export async function readInboxAndAhead(
  kv: Deno.Kv,
  id: string,
  keys: readonly Deno.KvKey[],
): Promise<{ inbox: InboxSnapshot; snapshot: ReadSnapshot }> {
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  if (id === "" || unique.length > GET_MANY_MAX - 1) {
    throw new RangeError(`readInboxAndAhead takes a message id and at most ${GET_MANY_MAX - 1} keys`);
  }
  const [mark, ...entries] = await kv.getMany([inboxKeyOf(id), ...unique]);
  const snapshot = new ReadSnapshot();
  for (const e of entries) snapshot.add(e);
  return { inbox: inboxSnapshot(new Map([[id, mark!.versionstamp !== null]])), snapshot };
}
