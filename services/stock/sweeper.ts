/**
 * The reservation sweeper: releases reservations that no `order.created` confirmed within the TTL.
 *
 * Orders reserves stock before it stores the order. When orders crashes between the two, or its
 * `ReserveItems` call times out on its side after stock committed, the reservation belongs to no
 * order and would hold its units forever. Every `intervalMs` the sweeper reads the due part of the
 * unconfirmed index and releases those reservations through the same path as `order.cancelled`
 * ({@linkcode sweepUnconfirmed}).
 *
 * Why the TTL makes a late confirmation practically impossible: orders commits the order (with its
 * `order.created` in the outbox) right after the reservation returns, and the relay publishes it at
 * once; stock confirms within milliseconds. The default TTL, 2 minutes, is far beyond that. Two guards
 * cover the slow cases: the first sweep runs no sooner than one TTL after this process started
 * consuming (so a backlog of `order.created` queued while stock was down is consumed before anything
 * is swept), and a late `order.created` never resurrects a swept reservation (see
 * `event_handlers.ts`). What remains is a broker outage longer than the TTL: that order then goes on
 * without stock held for it, and stock logs an error when its `order.created` and `order.paid` come.
 *
 * @module
 */
import type { Logger } from "../common/log.ts";
import { sweepUnconfirmed } from "./store.ts";

/** Options of {@linkcode startSweeper}. */
export interface SweeperOptions {
  kv: Deno.Kv;
  log: Logger;
  /** Reservations unconfirmed this long after they were made are released. */
  ttlMs: number;
  /** How often to sweep. */
  intervalMs: number;
  /** The clock (tests). */
  now?: () => Date;
}

/** A running sweeper. */
export interface Sweeper {
  /** Sweeps now (ignoring the start-up grace); resolves to how many reservations were released. */
  sweep(): Promise<number>;
  /** Stops sweeping; waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Starts sweeping every `intervalMs`; the first sweep waits until one TTL after the start. */
export function startSweeper(options: SweeperOptions): Sweeper {
  const { kv, log, ttlMs, intervalMs } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now().getTime();
  let running: Promise<number> | undefined;
  let stopped = false;

  const sweep = (): Promise<number> => {
    if (running) return running; // one sweep at a time; callers share the one in progress
    running = sweepAll().finally(() => running = undefined);
    return running;
  };

  async function sweepAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await sweepUnconfirmed(kv, {
        ttlMs,
        now: now(),
        onReleased: (orderId) =>
          log.warn("reservation released: no order confirmed it in time", { orderId, ttlMs }),
      });
      total += released;
      if (released === 0 || stopped) return total;
    }
  }

  const timer = setInterval(() => {
    if (now().getTime() - startedAt < ttlMs) return;
    sweep().catch((err) => log.error("sweeping unconfirmed reservations failed", { err }));
  }, intervalMs);

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
