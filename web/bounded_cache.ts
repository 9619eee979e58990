/**
 * A small in-memory cache with a fixed number of entries, the least recently used evicted first, each
 * entry optionally valid only until a given time. Backs web's per-process caches of work whose result
 * is known to be the same for the same key (verified tokens and cookies, signatures made here, the
 * catalog for a second): a `Map` keeps insertion order, so a hit is moved to the end and the first key
 * is the least recently used.
 *
 * @module
 */

interface Entry<V> {
  value: V;
  /** `Date.now()` from which the entry is no longer returned (Infinity: never). */
  expiresAt: number;
}

/** At most `maxEntries` values by key, least recently used evicted first. */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();

  /** A cache of at most `maxEntries` entries (at least 1). */
  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${maxEntries}`);
  }

  /** Entries held now (expired ones included until they are looked up or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key` while it is valid at `now` (and marks it used); undefined otherwise. */
  get(key: K, now: number = Date.now()): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (now >= entry.expiresAt) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `key` until `expiresAt` (a `Date.now()` time; default: until evicted). */
  set(key: K, value: V, expiresAt = Infinity): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
