/**
 * What one order adds to the running figures: the shop's per-15-minute sums (orders, paid, refunded,
 * ticket time) and its customer's sums (orders, paid, refunded). Sums are `Deno.KvU64` values changed
 * with `sum` in the same atomic operation as the order, by the difference between the order before and
 * after the change, so no figure is ever read to be written and nothing is scanned to read one.
 *
 * | key | value |
 * | --- | --- |
 * | `["order_stats", bucketStartMs, field]` | sum over the orders created in that 15-minute bucket |
 * | `["customer_figures", customerId, field]` | sum over the customer's orders |
 *
 * Fields: `orders`, `paid:<currency>`, `refunded:<currency>`, `tickets` and `ticket_ms` (stats only:
 * orders that reached ready, and their payment-to-ready times). Buckets are aligned to UTC quarter
 * hours, so every time zone's midnight (all offsets are multiples of 15 minutes) starts a bucket.
 *
 * @module
 */
import type { Order } from "../domain/order.ts";
import { type OrderWithRefunds, paidAmountOf, refundedAmountOf } from "../domain/payment_state.ts";
import { bucketOf, u64 } from "../../common/running_sums.ts";

/** Prefix of the shop's running sums per bucket. */
export const STATS: Deno.KvKey = ["order_stats"];
/** Prefix of the customers' running sums. */
export const CUSTOMER_FIGURES: Deno.KvKey = ["customer_figures"];

/** What an order adds to the sums. */
export interface Contribution {
  /** Always 1. */
  orders: number;
  /** The order's currency. */
  currency: string;
  /** Paid, minor units. */
  paid: number;
  /** Refunded, minor units. */
  refunded: number;
  /** 1 when the order reached ready after payment. */
  tickets: number;
  /** Payment to (first) ready, ms. */
  ticketMs: number;
}

/** The key of a stats field of a bucket. */
export function statsKey(bucket: number, field: string): Deno.KvKey {
  return [...STATS, bucket, field];
}

/** The key of a figure of a customer. */
export function customerFigureKey(customerId: string, field: string): Deno.KvKey {
  return [...CUSTOMER_FIGURES, customerId, field];
}

/** Payment to first ready of `order`, or null when it has not been ready after a payment. */
export function ticketMsOf(order: Pick<Order, "timeline">): number | null {
  const paid = order.timeline.find((t) => t.status === "paid");
  const ready = order.timeline.find((t) => t.status === "ready");
  if (!paid || !ready) return null;
  return Math.max(0, new Date(ready.at).getTime() - new Date(paid.at).getTime());
}

/** What `order` adds to the sums in its current state. */
export function contributionOf(order: OrderWithRefunds): Contribution {
  const ticket = ticketMsOf(order);
  return {
    orders: 1,
    currency: order.total.currency,
    paid: paidAmountOf(order),
    refunded: refundedAmountOf(order),
    tickets: ticket === null ? 0 : 1,
    ticketMs: ticket ?? 0,
  };
}

const NONE: Contribution = { orders: 0, currency: "", paid: 0, refunded: 0, tickets: 0, ticketMs: 0 };

/**
 * Adds to `op` the change of the sums from `before` (null: the order is new to the figures) to `after`:
 * one `sum` per field that changed, in the bucket of the order's creation and in its customer's figures.
 */
export function addFigureDelta(
  op: Deno.AtomicOperation,
  before: OrderWithRefunds | null,
  after: OrderWithRefunds,
): void {
  const a = contributionOf(after);
  const b = before ? contributionOf(before) : NONE;
  const bucket = bucketOf(new Date(after.createdAt).getTime());
  const cur = a.currency;
  const shop: [string, number][] = [
    ["orders", a.orders - b.orders],
    [`paid:${cur}`, a.paid - b.paid],
    [`refunded:${cur}`, a.refunded - b.refunded],
    ["tickets", a.tickets - b.tickets],
    ["ticket_ms", a.ticketMs - b.ticketMs],
  ];
  for (const [field, d] of shop) if (d !== 0) op.sum(statsKey(bucket, field), u64(d));
  const customer: [string, number][] = shop.slice(0, 3);
  for (const [field, d] of customer) {
    if (d !== 0) op.sum(customerFigureKey(after.customerId, field), u64(d));
  }
}
