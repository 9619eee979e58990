/**
 * The reservation sweeper: asks orders about reservations still unconfirmed one TTL after they were
 * made, and releases only those whose order is gone.
 *
 * Orders reserves stock before it stores the order. When orders crashes between the two, or its
 * `ReserveItems` call times out on its side after stock committed, the reservation belongs to no order
 * and would hold its units forever. A reservation is normally sold or released within minutes by its
 * order's `order.paid` or `order.cancelled`; one still open after `ttlMs` is either such an orphan, an
 * order still waiting for its payment, or one whose events are late (a broker outage). Lateness is
 * never a reason to release: every `intervalMs`
 * the sweeper reads the overdue part of the unconfirmed index (oldest first, in batches of
 * {@linkcode LOOKUP_BATCH}), asks orders about those orders in one `LookupOrders` call per batch, and
 * decides per reservation ({@linkcode decideReservation}):
 *
 * - the order exists and is not cancelled (it can still pay, or has paid and `order.paid` will sell):
 *   the reservation is confirmed and never asked about again;
 * - the order is cancelled (or expired, which orders records as cancelled), or orders says it never
 *   existed: the reservation is released;
 * - orders cannot be asked (unreachable, an error, no answer for that order): nothing is released,
 *   the sweeper logs it and asks again next time.
 *
 * "No such order" counts only for a reservation at least one TTL old (orders stores the order after the
 * reservation and its call to payments, within orders' `PAYMENTS_TIMEOUT_MS`, far below the TTL; a
 * checkout retried after an attempt died renews the hold, so the TTL counts from the retry's ask), and
 * every release re-checks the reservation in its commit
 * ({@linkcode resolveOverdue}), so an `order.paid` or `order.cancelled` settling it meanwhile wins. The
 * first sweep runs no sooner than one TTL after the start, so a backlog of events queued while stock
 * was down settles its reservations before orders is asked about them. (Stock used to confirm each
 * reservation on its `order.created`: a delivery and a commit per order, only to spare this question
 * for the few orders still open after the TTL.)
 *
 * @module
 */
import type { Logger } from "../common/log.ts";
import { decideReservation } from "./domain/order_fate.ts";
import { LOOKUP_BATCH, type OrderDirectory } from "./order_directory.ts";
import { type UnitOfWork, unitOfWork } from "../common/unit_of_work.ts";
import { resolveOverdue } from "./app.ts";
import { listOverdueUnconfirmed } from "./store.ts";

/** Options of {@linkcode startSweeper} and {@linkcode sweepOverdue}. */
export interface SweeperOptions {
  kv: Deno.Kv;
  log: Logger;
  /** Commits the resolutions (default: a unit of work over `kv`; stock's commits announce nothing). */
  uow?: UnitOfWork;
  /** Orders, asked whether the orders of overdue reservations exist. */
  orders: OrderDirectory;
  /** Reservations unconfirmed this long after they were made are asked about. */
  ttlMs: number;
  /** How often to sweep. */
  intervalMs: number;
  /** The clock (tests). */
  now?: () => Date;
  /** Reservations per batch (default {@linkcode LOOKUP_BATCH}). */
  batchSize?: number;
}

/** What one sweep did. */
export interface SweepResult {
  /** Reservations released because their order is gone. */
  released: number;
  /** Reservations confirmed because orders has their order. */
  confirmed: number;
  /** Reservations kept unconfirmed because orders could not say (asked again next sweep). */
  kept: number;
}

/** A running sweeper. */
export interface Sweeper {
  /** Sweeps now (ignoring the start-up grace). */
  sweep(): Promise<SweepResult>;
  /** Stops sweeping; waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Sweeps every overdue unconfirmed reservation once, batch by batch; stops early when a batch leaves
 * anything kept (orders could not say), so the same entries are not read again in this sweep.
 */
export async function sweepOverdue(
  options: Omit<SweeperOptions, "intervalMs">,
  stopped: () => boolean = () => false,
): Promise<SweepResult> {
  const { kv, log, orders, ttlMs } = options;
  const now = options.now ?? (() => new Date());
  const batchSize = Math.min(options.batchSize ?? LOOKUP_BATCH, LOOKUP_BATCH);
  const total: SweepResult = { released: 0, confirmed: 0, kept: 0 };
  const uow = options.uow ?? unitOfWork({ kv, kick: () => {}, log });
  for (;;) {
    const at = now();
    const due = await listOverdueUnconfirmed(kv, at.getTime() - ttlMs, batchSize);
    if (due.length === 0) return total;
    const orderIds = [...new Set(due.map((e) => e.value))];
    let answers;
    try {
      answers = await orders.lookup(orderIds);
    } catch (err) {
      log.warn("cannot ask orders whether the orders of overdue reservations exist; none is released", {
        reservations: due.length,
        err: err instanceof Error ? err.message : String(err),
      });
      answers = new Map();
    }
    let kept = 0;
    for (const entry of due) {
      const answer = answers.get(entry.value);
      const decision = decideReservation(answer);
      const outcome = await resolveOverdue(uow, entry, decision, ttlMs, at);
      if (outcome === "released" && decision.action === "release") {
        total.released++;
        log.warn("reservation released: its order is gone", {
          orderId: entry.value,
          because: decision.because,
        });
      } else if (outcome === "confirmed") {
        total.confirmed++;
      } else if (outcome === "kept") {
        kept++;
      }
    }
    total.kept += kept;
    if (kept > 0 || due.length < batchSize || stopped()) return total;
  }
}

/** Starts sweeping every `intervalMs`; the first sweep waits until one TTL after the start. */
export function startSweeper(options: SweeperOptions): Sweeper {
  const { log, ttlMs, intervalMs } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now().getTime();
  let running: Promise<SweepResult> | undefined;
  let stopped = false;

  const sweep = (): Promise<SweepResult> => {
    if (running) return running; // one sweep at a time; callers share the one in progress
    running = sweepOverdue(options, () => stopped).finally(() => running = undefined);
    return running;
  };

  const timer = setInterval(() => {
    if (now().getTime() - startedAt < ttlMs) return;
    sweep().catch((err) => log.error("sweeping overdue reservations failed", { err }));
  }, intervalMs);

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
