/**
 * Short order numbers ("#1042"), unique per shop, without a hot spot: each orders process reserves a
 * block of numbers with one check-and-set on the shop's counter key and hands them out from memory,
 * reserving the next block only when the block is used up. Creates therefore commit to the counter once
 * per block, not once per order, and two processes never hand out the same number. Numbers a process
 * reserved but did not use (it stopped or crashed) are skipped: gaps are fine, duplicates are not.
 *
 * | key | value |
 * | --- | --- |
 * | `["order_number_next"]` | the first number no process has reserved yet (a plain number) |
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";

/** The counter key: the first number not reserved by any process. */
export const NEXT_NUMBER_KEY: Deno.KvKey = ["order_number_next"];
/** The first order number a shop hands out. */
export const FIRST_NUMBER = 1001;
/** How many numbers a process reserves at once by default. */
export const DEFAULT_BLOCK_SIZE = 50;
/** How many check-and-set attempts one reservation makes before giving up. */
const MAX_ATTEMPTS = 20;

/** Options of {@linkcode OrderNumbers}. */
export interface OrderNumbersOptions {
  /** Numbers reserved per commit (default {@linkcode DEFAULT_BLOCK_SIZE}). */
  blockSize?: number;
}

/** What an allocator did, for tests and metrics. */
export interface OrderNumbersStats {
  /** Blocks reserved (successful commits to the counter). */
  reservations: number;
  /** Reservation commits that lost a race to another process and were retried. */
  conflicts: number;
}

/** Hands out order numbers from blocks reserved in `kv` (one allocator per process). */
export class OrderNumbers {
  #kv: Deno.Kv;
  #blockSize: number;
  #next = 0;
  #end = 0;
  #reserving: Promise<void> | undefined;
  #stats: OrderNumbersStats = { reservations: 0, conflicts: 0 };

  /** Creates an allocator over orders' store `kv`. */
  constructor(kv: Deno.Kv, options: OrderNumbersOptions = {}) {
    const size = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Block size must be >= 1, got ${size}`);
    this.#kv = kv;
    this.#blockSize = size;
  }

  /** The next number of this process's block, reserving a new block first when it is used up. */
  async next(): Promise<number> {
    while (this.#next >= this.#end) {
      // one reservation at a time: callers arriving meanwhile wait for it and take from the new block
      this.#reserving ??= this.#reserve().finally(() => this.#reserving = undefined);
      await this.#reserving;
    }
    return this.#next++;
  }

  /** What this allocator did so far. */
  get stats(): OrderNumbersStats {
    return { ...this.#stats };
  }

  async #reserve(): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const seen = await this.#kv.get<number>(NEXT_NUMBER_KEY);
      const start = typeof seen.value === "number" && seen.value >= FIRST_NUMBER ? seen.value : FIRST_NUMBER;
      const end = start + this.#blockSize;
      const res = await this.#kv.atomic()
        .check({ key: NEXT_NUMBER_KEY, versionstamp: seen.versionstamp })
        .set(NEXT_NUMBER_KEY, end)
        .commit();
      if (res.ok) {
        this.#stats.reservations++;
        this.#next = start;
        this.#end = end;
        return;
      }
      this.#stats.conflicts++;
      // another process reserved meanwhile; a little jitter keeps many from colliding again
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new DomainError(
      "unavailable",
      `Could not reserve a block of order numbers after ${MAX_ATTEMPTS} attempts; try again shortly`,
    );
  }
}
