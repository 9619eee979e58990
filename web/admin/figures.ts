/**
 * Today's figures on the dashboard: orders, revenue, average ticket time and open tickets, where
 * "today" starts at midnight in the shop's time zone. One GetOrderStats call (orders answers it from
 * running sums, so refreshing it on every pushed change is cheap).
 *
 * @module
 */
import type { MoneyJson } from "../api/order_json.ts";
import type { Gateway } from "../gateway/mod.ts";
import { startOfLocalDay } from "../shop.ts";

/** The figures as the page and the island show them. */
export interface TodayFigures {
  /** Orders created today. */
  orders: number;
  /** Paid minus refunded for today's orders (currency "" when nothing was paid). */
  revenue: MoneyJson;
  /** Mean payment-to-ready time of today's orders that were ready, ms (0 for none). */
  averageTicketMs: number;
  /** Orders paid or preparing now. */
  openTickets: number;
  /** Start of today, ISO 8601. */
  since: string;
}

/** Today's figures at `now` in `timeZone`. */
export async function loadFigures(gw: Gateway, now: Date, timeZone: string): Promise<TodayFigures> {
  const since = startOfLocalDay(now, timeZone);
  const s = await gw.orders.staff.stats(since);
  return {
    orders: Number(s.orders),
    revenue: { amount: s.revenue?.amount ?? 0, currency: s.revenue?.currency ?? "" },
    averageTicketMs: Number(s.averageTicketMs),
    openTickets: Number(s.openTickets),
    since: since.toISOString(),
  };
}
