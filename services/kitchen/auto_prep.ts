/**
 * The auto-prep timer (dev and demos): moves queued tickets to preparing and preparing tickets to
 * ready once each has waited `prepMs`, through the same use case as the RPCs
 * ({@linkcode KitchenApp.moveTicket}, which commits through the unit of work and wakes the relay).
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import type { Logger } from "../common/log.ts";
import type { KitchenApp } from "./app.ts";
import { dueAction } from "./domain/ticket.ts";

/** What a move that staff overtook fails with. */
const MOVED = new Set<string>(["illegal_transition", "not_found"]);

/** Options of {@linkcode startAutoPrep}. */
export interface AutoPrepOptions {
  /** Kitchen's use cases. */
  app: KitchenApp;
  /** Where moves and failures are logged. */
  log: Logger;
  /** Time a ticket stays queued, and then preparing. */
  prepMs: number;
  /** Time between passes (default: a quarter of `prepMs`, from 20 ms to 1 s). */
  intervalMs?: number;
  /** The clock (default: now). */
  now?: () => Date;
}

/** A running auto-prep timer. */
export interface AutoPrep {
  /** Runs one pass now; resolves with the number of tickets moved. */
  tick(): Promise<number>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** Starts the auto-prep timer. */
export function startAutoPrep(opts: AutoPrepOptions): AutoPrep {
  const now = opts.now ?? (() => new Date());
  const intervalMs = opts.intervalMs ?? Math.min(1000, Math.max(20, Math.floor(opts.prepMs / 4)));
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> = Promise.resolve(0);

  const pass = async (): Promise<number> => {
    let moved = 0;
    const tickets = [...await opts.app.listTickets("preparing"), ...await opts.app.listTickets("queued")];
    for (const ticket of tickets) {
      if (stopped) break;
      const action = dueAction(ticket, now(), opts.prepMs);
      if (!action) continue;
      try {
        const next = await opts.app.moveTicket(ticket.orderId, action, { at: now() });
        moved++;
        opts.log.debug(`ticket ${next.status}`, { orderId: next.orderId, by: "auto-prep" });
      } catch (err) {
        // staff moved it in the meantime: nothing to do
        if (!(err instanceof DomainError) || !MOVED.has(err.code)) throw err;
      }
    }
    return moved;
  };

  const tick = (): Promise<number> => {
    running = running.then(pass, pass).catch((err) => {
      opts.log.error("auto-prep pass failed", { err });
      return 0;
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick();
      schedule();
    }, intervalMs);
  };
  schedule();

  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
