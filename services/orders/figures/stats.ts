/**
 * GetOrderStats over the running sums (`contribution.ts`): the figures of the orders created in
 * `[since, until)` are the sums of the 15-minute buckets inside the window — 96 buckets of at most
 * five fields for a day, whatever the number of orders. A window edge that is not on a bucket boundary
 * (a zone-aligned day never has one) reads the orders of that partial bucket through the time index:
 * at most 15 minutes of orders per edge. Open tickets come from the per-status counters.
 *
 * @module
 */
import type { Order } from "../domain/order.ts";
import { BY_TIME, countOrders, orderKey } from "../store.ts";
import { BUCKET_MS, bucketOf, signed } from "../../common/running_sums.ts";
import { contributionOf, STATS } from "./contribution.ts";

/** The figures of a window. */
export interface OrderStats {
  /** Orders created in the window. */
  orders: number;
  /** Paid minus refunded, in `currency`'s minor units. */
  revenue: number;
  /** The currency with the most paid in the window ("" when nothing was paid). */
  currency: string;
  /** Mean payment-to-ready time of the window's orders that reached ready, ms (0 when none). */
  averageTicketMs: number;
  /** Orders paid or preparing now. */
  openTickets: number;
}

interface Sums {
  orders: number;
  tickets: number;
  ticketMs: number;
  paid: Map<string, number>;
  refunded: Map<string, number>;
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** Adds the buckets in `[fromBucket, untilBucket)` to `sums`. */
async function addBuckets(kv: Deno.Kv, fromBucket: number, untilBucket: number, sums: Sums): Promise<void> {
  if (untilBucket <= fromBucket) return;
  const it = kv.list<Deno.KvU64>({ start: [...STATS, fromBucket], end: [...STATS, untilBucket] });
  for await (const e of it) {
    const field = e.key[STATS.length + 1];
    if (typeof field !== "string") continue;
    const n = signed(e.value);
    if (field === "orders") sums.orders += n;
    else if (field === "tickets") sums.tickets += n;
    else if (field === "ticket_ms") sums.ticketMs += n;
    else if (field.startsWith("paid:")) add(sums.paid, field.slice(5), n);
    else if (field.startsWith("refunded:")) add(sums.refunded, field.slice(9), n);
  }
}

/** Adds the orders created in `[from, until)` (inside one bucket) to `sums`, read one by one. */
async function addOrders(kv: Deno.Kv, from: number, until: number, sums: Sums): Promise<void> {
  if (until <= from) return;
  const ids: string[] = [];
  for await (const e of kv.list<string>({ start: [...BY_TIME, from], end: [...BY_TIME, until] })) {
    ids.push(e.value);
  }
  for (let i = 0; i < ids.length; i += 10) {
    for (const got of await kv.getMany<Order[]>(ids.slice(i, i + 10).map(orderKey))) {
      if (!got.value) continue;
      const c = contributionOf(got.value);
      sums.orders += 1;
      sums.tickets += c.tickets;
      sums.ticketMs += c.ticketMs;
      add(sums.paid, c.currency, c.paid);
      add(sums.refunded, c.currency, c.refunded);
    }
  }
}

/** The figures of the orders created in `[since, until)` (`until` unset: up to now and beyond). */
export async function orderStats(kv: Deno.Kv, since: Date, until?: Date): Promise<OrderStats> {
  const sums: Sums = { orders: 0, tickets: 0, ticketMs: 0, paid: new Map(), refunded: new Map() };
  const from = since.getTime();
  const to = until ? until.getTime() : Number.POSITIVE_INFINITY;
  const firstFull = bucketOf(from) === from ? from : bucketOf(from) + BUCKET_MS;
  const endFull = Number.isFinite(to) ? bucketOf(to) : bucketOf(Date.now()) + 2 * BUCKET_MS;
  const work: Promise<void>[] = [];
  if (endFull <= firstFull) {
    work.push(addOrders(kv, from, to, sums)); // a window shorter than two buckets
  } else {
    work.push(addOrders(kv, from, firstFull, sums), addBuckets(kv, firstFull, endFull, sums));
    if (Number.isFinite(to)) work.push(addOrders(kv, endFull, to, sums));
  }
  const [counts] = await Promise.all([countOrders(kv), ...work]);
  let currency = "";
  for (const [c, n] of sums.paid) if (!currency || n > (sums.paid.get(currency) ?? 0)) currency = c;
  return {
    orders: sums.orders,
    revenue: currency ? (sums.paid.get(currency) ?? 0) - (sums.refunded.get(currency) ?? 0) : 0,
    currency,
    averageTicketMs: sums.tickets > 0 ? Math.round(sums.ticketMs / sums.tickets) : 0,
    openTickets: counts.paid + counts.preparing,
  };
}
