/**
 * paid -> kitchen ticket, measured without touching the running system: after the load, with the
 * kitchen stopped, its store is read and each ticket gives `queuedAtMs - paidAtMs` (when kitchen
 * opened it minus when orders recorded the order paid; both clocks are this machine's). No polling
 * during the run, so the figure costs the system nothing and is as fine as the clocks.
 *
 * @module
 */
import { listTickets } from "../../services/kitchen/store.ts";
import { Histogram, type LatencySummary } from "../load/stats.ts";

/** The summary of paid -> ticket latencies (ms) of the given tickets (negative gaps count as 0). */
export function paidToTicket(tickets: { paidAtMs: number; queuedAtMs: number }[]): LatencySummary {
  const h = new Histogram();
  for (const t of tickets) h.record(Math.max(0, t.queuedAtMs - t.paidAtMs));
  return h.summary();
}

/**
 * Reads the tickets of the kitchen store at `path` (the kitchen must be stopped) of orders paid at or
 * after `sinceMs` (epoch ms; default: every ticket, e.g. to leave a warm-up's orders out) and summarizes.
 */
export async function paidToTicketFromStore(path: string, sinceMs = 0): Promise<LatencySummary> {
  const kv = await Deno.openKv(path);
  try {
    return paidToTicket((await listTickets(kv)).filter((t) => t.paidAtMs >= sinceMs));
  } finally {
    kv.close();
  }
}
