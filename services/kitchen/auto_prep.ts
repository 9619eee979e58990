/**
 * The auto-prep timer (dev and demos): moves queued tickets to preparing and preparing tickets to
 * ready once each has waited `prepMs`, with the moves of the RPCs ({@linkcode KitchenApp.moveTickets}:
 * the due moves of a pass commit together, up to {@linkcode MAX_MOVES_PER_COMMIT} at a time, through
 * the unit of work, which wakes the relay). A pass reads again only the tickets whose index entry
 * changed since the previous pass.
 *
 * @module
 */
import type { Logger } from "../common/log.ts";
import { type KitchenApp, MAX_MOVES_PER_COMMIT } from "./app.ts";
import { dueAction, type KitchenTicket, type TicketAction } from "./domain/ticket.ts";

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

  // the tickets as last read, by order id: a ticket whose index entry has not changed is not read again
  let known = new Map<string, Deno.KvEntry<KitchenTicket>>();

  const pass = async (): Promise<number> => {
    let moved = 0;
    const entries = [
      ...await opts.app.listTicketEntries("preparing", known),
      ...await opts.app.listTicketEntries("queued", known),
    ];
    known = new Map(entries.map((e) => [e.value.orderId, e]));
    const due: { entry: Deno.KvEntry<KitchenTicket>; action: TicketAction }[] = [];
    for (const entry of entries) {
      const action = dueAction(entry.value, now(), opts.prepMs);
      if (action) due.push({ entry, action });
    }
    // due moves commit together, a few at a time (a ticket staff moved meanwhile is left out)
    for (let i = 0; i < due.length && !stopped; i += MAX_MOVES_PER_COMMIT) {
      const done = await opts.app.moveTickets(due.slice(i, i + MAX_MOVES_PER_COMMIT), { at: now() });
      moved += done.length;
      for (const next of done) {
        opts.log.debug(`ticket ${next.status}`, { orderId: next.orderId, by: "auto-prep" });
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
