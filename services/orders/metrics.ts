/**
 * Orders' metrics: the order funnel (orders by status, read from the per-status counters the store
 * keeps, on collection only), each state change as it commits, and the time from paid to ready.
 *
 * @module
 */
import type { GaugeSource } from "../common/metrics/gauges.ts";
import { metricsEnabled, recordOrderTransition, recordTimeToReady } from "../common/metrics/record.ts";
import type { Order } from "./domain/order.ts";
import { ticketMsOf } from "./figures/contribution.ts";
import { countOrders } from "./store.ts";

/** The gauge of orders by status (the store's counters: one short KV list per collection). */
export function ordersGauge(kv: Deno.Kv): GaugeSource {
  return async (observe) => {
    for (const [status, n] of Object.entries(await countOrders(kv))) observe("orders", n, { status });
  };
}

/**
 * Records a committed change from `before` (undefined: created) to `after`: the status entered, and on
 * the first time ready, the time from paid to ready. Nothing when the status did not change.
 */
export function recordOrderChange(before: Pick<Order, "status"> | undefined, after: Order): void {
  if (!metricsEnabled() || before?.status === after.status) return;
  recordOrderTransition(after.status);
  if (after.status !== "ready") return;
  let readies = 0;
  for (const t of after.timeline) if (t.status === "ready") readies++;
  const ms = readies === 1 ? ticketMsOf(after) : null;
  if (ms !== null) recordTimeToReady(ms / 1000);
}
