/**
 * A batch of handler runs that the consumer commits as one atomic operation. A run joins the batch only
 * when the batch stays within Deno KV's per-commit limits (counted before committing) and when it read,
 * checked or listed no key a member wrote (else it read state the earlier run is about to change, and
 * would lose that update). Writes of the same key by several members are fine: a commit applies its
 * mutations in order (a later `set` wins, `sum`s add up), as separate commits in that order would.
 *
 * @module
 */
import type { RecordingOp } from "./recording_op.ts";
import { TouchedKeys } from "./touched_keys.ts";
import type { OutboxRecord } from "./types.ts";

/**
 * Deno KV's limits per atomic commit (Deno 2.9, checked: `TypeError: Too many checks (max 100)`,
 * `Too many mutations (max 1000)`, `Value too large (max 65536 bytes)`, `Total key size too large (max
 * 81920 bytes)`, `Total mutation size too large (max 819200 bytes)`). Values' sizes are not estimated
 * here: a commit over the size limits throws, and the consumer splits the batch.
 */
export const KV_COMMIT_LIMITS = {
  checks: 100,
  mutations: 1000,
  valueBytes: 65_536,
  totalKeyBytes: 81_920,
  totalMutationBytes: 819_200,
} as const;

/** Why a run cannot join a batch: it would exceed a limit, or it read a key a member wrote. */
export type Refusal = "full" | "overlap";

/** Handler runs committed together; `T` carries each run's {@linkcode RecordingOp}. */
export class Batch<T extends { op: RecordingOp }> {
  readonly #items: T[] = [];
  readonly #touched = new TouchedKeys();
  #checks = 0;
  #mutations = 0;
  #keyBytes = 0;

  /** The members, in the order they joined. */
  get items(): readonly T[] {
    return this.#items;
  }

  /** How many members. */
  get size(): number {
    return this.#items.length;
  }

  /** Why `item` cannot join, or undefined when it can (an empty batch takes anything). */
  refusal(item: T): Refusal | undefined {
    if (this.#items.length === 0) return undefined;
    const { op } = item;
    // overlap first: the caller re-runs an overlapping handler, but not one that merely did not fit
    if (this.#touched.writesReadBy(op.touched)) return "overlap";
    if (
      this.#checks + op.checks > KV_COMMIT_LIMITS.checks ||
      this.#mutations + op.mutations > KV_COMMIT_LIMITS.mutations ||
      this.#keyBytes + op.keyBytes > KV_COMMIT_LIMITS.totalKeyBytes
    ) return "full";
    return undefined;
  }

  /** Adds `item` (call {@linkcode refusal} first). */
  add(item: T): void {
    this.#items.push(item);
    this.#touched.addAll(item.op.touched);
    this.#checks += item.op.checks;
    this.#mutations += item.op.mutations;
    this.#keyBytes += item.op.keyBytes;
  }

  /** One atomic operation on `kv` holding every member's checks and mutations, in order. */
  operation(kv: Deno.Kv): Deno.AtomicOperation {
    const op = kv.atomic();
    for (const item of this.#items) item.op.applyTo(op);
    return op;
  }

  /** The outbox records of every member, in order. */
  get records(): OutboxRecord[] {
    return this.#items.flatMap((i) => i.op.records);
  }

  /** The batch cut in two halves (for a commit that was over a size limit). */
  halves(): [Batch<T>, Batch<T>] {
    const mid = Math.ceil(this.#items.length / 2);
    const a = new Batch<T>();
    const b = new Batch<T>();
    this.#items.forEach((item, i) => (i < mid ? a : b).add(item));
    return [a, b];
  }
}
