/**
 * Kitchen's gauge: open tickets by status and by how long ago their order was paid, read from the
 * status index keys (`["tickets_by_status", status, paidAtMs, orderId]`: the key alone says both) on
 * metrics collection only, at most {@linkcode SCAN_LIMIT} per status.
 *
 * @module
 */
import type { GaugeSource } from "../common/metrics/gauges.ts";

/** The statuses of an open ticket. */
export const OPEN_STATUSES = ["queued", "preparing", "ready"] as const;
/** Age buckets (since payment), as the `age` label names them. */
export const AGE_BUCKETS = ["lt5m", "5to10m", "10to20m", "ge20m"] as const;
/** Index entries read at most per status. */
export const SCAN_LIMIT = 5000;

const MINUTE = 60_000;

/** The age bucket of a ticket paid `ms` ago. */
export function ageBucket(ms: number): typeof AGE_BUCKETS[number] {
  return ms < 5 * MINUTE ? "lt5m" : ms < 10 * MINUTE ? "5to10m" : ms < 20 * MINUTE ? "10to20m" : "ge20m";
}

/** The gauge source of open tickets (every status and bucket reported, zeros included). */
export function openTicketsGauge(kv: Deno.Kv, now: () => number = Date.now): GaugeSource {
  return async (observe) => {
    const at = now();
    for (const status of OPEN_STATUSES) {
      const counts = new Map<string, number>(AGE_BUCKETS.map((b) => [b, 0]));
      for await (const e of kv.list({ prefix: ["tickets_by_status", status] }, { limit: SCAN_LIMIT })) {
        const paidAtMs = e.key[2];
        const bucket = ageBucket(typeof paidAtMs === "number" ? Math.max(0, at - paidAtMs) : 0);
        counts.set(bucket, counts.get(bucket)! + 1);
      }
      for (const [age, n] of counts) observe("kitchenOpenTickets", n, { status, age });
    }
  };
}
