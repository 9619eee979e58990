/**
 * Group commit of reservations. Every buyer of an item writes that item's record, so concurrent
 * `ReserveItems` calls each committing on their own mostly conflict with one another: under
 * `deno task bench`'s 64 shoppers a third of stock's commits failed and were re-run on fresh reads.
 *
 * {@linkcode ReservationQueue} runs one batch at a time: the requests that arrive while a batch is
 * committing wait, and the next batch takes them all (within KV's check limit) and commits them
 * together through `reserveBatch` (`app.ts`): one read, one commit, and no conflicts between buyers
 * of this process. A request a rule rejects fails alone. A commit that conflicts with another writer
 * (a settlement, staff, another stock process on the same store) re-runs the batch on fresh reads, as
 * the unit of work does for any use case; an error that ends the batch (too many conflicts, the store
 * failing) is each of its requests' error.
 *
 * @module
 */
import type { UnitOfWork } from "../common/unit_of_work.ts";
import { batchChecks, type ReservationRequest, reserveBatch } from "./app.ts";
import { mergeLines, type RequestedLine, validateReservationRequest } from "./domain/lines.ts";
import type { StockReservation } from "./domain/reservation.ts";

/** The most checks one atomic commit may make (Deno KV's limit). */
export const MAX_BATCH_CHECKS = 100;

/** The most requests one batch takes (each adds two mutations and a check, plus its items). */
export const MAX_BATCH_REQUESTS = 32;

interface Waiting {
  request: ReservationRequest;
  resolve: (r: StockReservation) => void;
  reject: (err: unknown) => void;
}

/** Batches concurrent reservations into one commit each (see the module doc). */
export class ReservationQueue {
  #waiting: Waiting[] = [];
  #running = false;
  #batches = 0;

  /** A queue committing through `uow`; `now` stamps each batch's reservations. */
  constructor(
    private readonly uow: UnitOfWork,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Batches committed or attempted so far (for tests and metrics). */
  get batches(): number {
    return this.#batches;
  }

  /**
   * Reserves `requested` for `orderId`, as `reserveItems` (`app.ts`) does, in the next batch. A request
   * that is not valid is refused at once, before it waits.
   */
  reserve(orderId: string, requested: readonly RequestedLine[]): Promise<StockReservation> {
    validateReservationRequest(orderId, requested);
    const request = { orderId, lines: mergeLines(requested) };
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#take();
        this.#batches++;
        try {
          const results = await reserveBatch(this.uow, batch.map((w) => w.request), this.now);
          results.forEach((r, i) => {
            if ("error" in r) batch[i]!.reject(r.error);
            else batch[i]!.resolve(r.reservation);
          });
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** The next batch: the oldest waiting requests, as many as fit (always at least one). */
  #take(): Waiting[] {
    let n = 1;
    while (
      n < this.#waiting.length && n < MAX_BATCH_REQUESTS &&
      batchChecks(this.#waiting.slice(0, n + 1).map((w) => w.request)) <= MAX_BATCH_CHECKS
    ) n++;
    return this.#waiting.splice(0, n);
  }
}
