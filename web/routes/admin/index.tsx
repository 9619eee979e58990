/**
 * `/admin`: the orders dashboard. Today's figures, counts per status, search and filters that live in
 * the URL (`q`, `status`, `payment`, `from`, `to`, `cursor`: bookmarkable), one page of the orders list
 * with previous and next pages, and the CSV export of the same view — kept live by the AdminOrders
 * island — then a chart of orders over time drawn on the server (`?chart=24h` by hour or `?chart=14d`
 * by day). Times are in the shop's zone, prices in its locale.
 *
 * @module
 */
import { gatewayFor } from "../../gateway/mod.ts";
import type { Bucket, ChartRange } from "../../admin/chart.ts";
import { isChartRange } from "../../admin/chart.ts";
import { loadChart } from "../../admin/data.ts";
import { loadDashboard } from "../../admin/dashboard.ts";
import { filtersQuery, type OrderFilters, parseFilters } from "../../admin/order_filters.ts";
import type { AdminState } from "../../admin/state.ts";
import { OrdersChart } from "../../components/admin/OrdersChart.tsx";
import type { Handlers, PageProps } from "../../framework/types.ts";
import AdminOrders, { type DashboardView } from "../../islands/AdminOrders.tsx";

/** What the dashboard shows. */
export interface DashboardData {
  /** Figures, counts and the list page. */
  view: DashboardView;
  /** The filters. */
  filters: OrderFilters;
  /** The chart. */
  chart: { buckets: Bucket[]; range: ChartRange; partial: boolean };
}

/** Loads figures, counts, the list page and the chart. */
export const handler: Handlers<DashboardData, AdminState> = {
  async GET(ctx) {
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const filters = parseFilters(ctx.url.searchParams);
    const asked = ctx.url.searchParams.get("chart") ?? "";
    const range: ChartRange = isChartRange(asked) ? asked : "24h";
    const now = new Date();
    const [view, chart] = await Promise.all([
      loadDashboard(gw, filters, ctx.state.shop.timeZone, now),
      loadChart(gw, range, now, ctx.state.shop),
    ]);
    ctx.state.title = "Admin · Orders";
    return await ctx.render({
      view,
      filters,
      chart: { buckets: chart.buckets, range, partial: chart.partial },
    });
  },
};

/** The dashboard. */
export default function Dashboard({ data, state }: PageProps<DashboardData, AdminState>) {
  const { timeZone, locale } = state.shop;
  const other: ChartRange = data.chart.range === "24h" ? "14d" : "24h";
  const keep = new URLSearchParams(filtersQuery(data.filters));
  keep.set("chart", other);
  return (
    <div class="dashboard">
      <h1>Orders</h1>
      <AdminOrders initial={data.view} filters={data.filters} timeZone={timeZone} locale={locale} />
      <section class="admin-panel" aria-labelledby="chart-heading">
        <div class="panel-head">
          <h2 id="chart-heading">Orders over time</h2>
          <a href={`/admin?${keep}`}>{other === "14d" ? "Show 14 days" : "Show 24 hours"}</a>
        </div>
        <OrdersChart {...data.chart} timeZone={timeZone} />
      </section>
    </div>
  );
}
