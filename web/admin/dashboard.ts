/**
 * What the dashboard's island shows, loaded at once: today's figures and the orders list for the URL's
 * filters (the page renders it; `/admin/api/orders` serves it to the island on every pushed change).
 *
 * @module
 */
import type { Gateway } from "../gateway/mod.ts";
import type { DashboardView } from "../islands/AdminOrders.tsx";
import { loadFigures } from "./figures.ts";
import type { OrderFilters } from "./order_filters.ts";
import { loadOrderList } from "./order_search.ts";

/** Figures and list for `filters`, times in `timeZone`. */
export async function loadDashboard(
  gw: Gateway,
  filters: OrderFilters,
  timeZone: string,
  now = new Date(),
): Promise<DashboardView> {
  const [figures, list] = await Promise.all([
    loadFigures(gw, now, timeZone),
    loadOrderList(gw, filters, timeZone),
  ]);
  return { figures, list };
}
