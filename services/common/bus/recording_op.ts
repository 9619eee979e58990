/**
 * An atomic operation that records instead of committing. A handler of the batching consumer fills one
 * (checks, mutations, outbox events, exactly as on a `Deno.AtomicOperation`); the consumer then applies
 * the records of several handlers to one real operation and commits once. While recording it notes the
 * keys touched, the counts and key bytes that Deno KV limits per commit, and the outbox records added.
 *
 * @module
 */
import { isOutboxRecord, OUTBOX_PREFIX } from "./outbox.ts";
import { TouchedKeys } from "./touched_keys.ts";
import type { OutboxRecord } from "./types.ts";

/** The UTF-8 length of `s` (counted, not encoded: this runs for every key a handler touches). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
        i++;
      } else n += 2; // a lone surrogate: encoded as U+FFFD, 3 bytes
    } else n += 2;
  }
  return n;
}

/** Approximate encoded size of `key` in bytes (Deno KV limits the total per commit). */
export function keyBytes(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") n += utf8Length(part) + 2;
    else if (part instanceof Uint8Array) n += part.byteLength + 2;
    else n += 9;
  }
  return n;
}

function isOutboxKey(key: Deno.KvKey): boolean {
  return key.length === OUTBOX_PREFIX.length + 1 && key[0] === OUTBOX_PREFIX[0];
}

/** Records what a handler adds to its operation; see {@linkcode RecordingOp.applyTo}. */
export class RecordingOp implements Deno.AtomicOperation {
  /** The keys checked and mutated (reads through a tracked store are noted here too). */
  readonly touched: TouchedKeys = new TouchedKeys();
  /** Outbox records set through this operation, in order. */
  readonly records: OutboxRecord[] = [];
  /** Callbacks the handler asked to run once this operation's changes have committed. */
  readonly afterCommit: (() => void)[] = [];
  #steps: ((op: Deno.AtomicOperation) => void)[] = [];
  #checks = 0;
  #mutations = 0;
  #keyBytes = 0;

  /** Checks recorded. */
  get checks(): number {
    return this.#checks;
  }

  /** Mutations recorded (sets, deletes, sums, ...). */
  get mutations(): number {
    return this.#mutations;
  }

  /** Approximate bytes of every checked and mutated key. */
  get keyBytes(): number {
    return this.#keyBytes;
  }

  /** Records `checks`. */
  check(...checks: Deno.AtomicCheck[]): this {
    for (const c of checks) {
      this.touched.read(c.key);
      this.#keyBytes += keyBytes(c.key);
    }
    this.#checks += checks.length;
    this.#steps.push((op) => op.check(...checks));
    return this;
  }

  /** Records `mutations`. */
  mutate(...mutations: Deno.KvMutation[]): this {
    for (const m of mutations) {
      this.#wrote(m.key);
      if (m.type === "set") this.#maybeRecord(m.key, m.value);
    }
    this.#steps.push((op) => op.mutate(...mutations));
    return this;
  }

  /** Records a sum. */
  sum(key: Deno.KvKey, n: bigint): this {
    this.#wrote(key);
    this.#steps.push((op) => op.sum(key, n));
    return this;
  }

  /** Records a min. */
  min(key: Deno.KvKey, n: bigint): this {
    this.#wrote(key);
    this.#steps.push((op) => op.min(key, n));
    return this;
  }

  /** Records a max. */
  max(key: Deno.KvKey, n: bigint): this {
    this.#wrote(key);
    this.#steps.push((op) => op.max(key, n));
    return this;
  }

  /** Records a set. */
  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this {
    this.#wrote(key);
    this.#maybeRecord(key, value);
    this.#steps.push((op) => op.set(key, value, options));
    return this;
  }

  /** Records a delete. */
  delete(key: Deno.KvKey): this {
    this.#wrote(key);
    this.#steps.push((op) => op.delete(key));
    return this;
  }

  /** Records an enqueue (not used in core paths; see DESIGN.md). */
  enqueue(
    value: unknown,
    options?: { delay?: number; keysIfUndelivered?: Deno.KvKey[]; backoffSchedule?: number[] },
  ): this {
    this.#mutations++;
    this.#steps.push((op) => op.enqueue(value, options));
    return this;
  }

  /** Always rejects: the consumer commits what handlers recorded. */
  commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    return Promise.reject(new Error("A handler must not commit ctx.op; the consumer commits it"));
  }

  /** Adds everything recorded, in order, to `op`. */
  applyTo(op: Deno.AtomicOperation): void {
    for (const step of this.#steps) step(op);
  }

  #wrote(key: Deno.KvKey): void {
    this.touched.write(key);
    this.#mutations++;
    this.#keyBytes += keyBytes(key);
  }

  #maybeRecord(key: Deno.KvKey, value: unknown): void {
    if (isOutboxKey(key) && isOutboxRecord(value)) this.records.push(value);
  }
}
