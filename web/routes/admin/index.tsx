/**
 * `/admin`: the orders dashboard. Counts per status, the orders table (filtered by status, searched
 * by exact order id or customer id, paged by cursor, newest first) kept live by the AdminOrders
 * island, and a chart of orders over time drawn on the server (`?chart=24h` by hour or `?chart=14d`
 * by day). Times are in the shop's zone, prices in its locale.
 *
 * @module
 */
import { gatewayFor } from "../../gateway/mod.ts";
import type { Bucket, ChartRange } from "../../admin/chart.ts";
import { isChartRange } from "../../admin/chart.ts";
import { loadChart, loadOrdersView, ordersQuery } from "../../admin/data.ts";
import type { AdminState } from "../../admin/state.ts";
import type { OrdersQuery, OrdersView } from "../../admin/view.ts";
import { OrdersChart } from "../../components/admin/OrdersChart.tsx";
import type { Handlers, PageProps } from "../../framework/types.ts";
import AdminOrders from "../../islands/AdminOrders.tsx";

/** What the dashboard shows. */
export interface DashboardData {
  /** Counts and the table page. */
  view: OrdersView;
  /** The filters. */
  query: OrdersQuery;
  /** The chart. */
  chart: { buckets: Bucket[]; range: ChartRange; partial: boolean };
}

/** Loads counts, the table page and the chart. */
export const handler: Handlers<DashboardData, AdminState> = {
  async GET(ctx) {
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const query = ordersQuery(ctx.url);
    const asked = ctx.url.searchParams.get("chart") ?? "";
    const range: ChartRange = isChartRange(asked) ? asked : "24h";
    const [view, chart] = await Promise.all([
      loadOrdersView(gw, query),
      loadChart(gw, range, new Date(), ctx.state.shop),
    ]);
    ctx.state.title = "Admin · Orders";
    return await ctx.render({
      view,
      query,
      chart: { buckets: chart.buckets, range, partial: chart.partial },
    });
  },
};

/** The dashboard. */
export default function Dashboard({ data, state }: PageProps<DashboardData, AdminState>) {
  const { timeZone, locale } = state.shop;
  const other: ChartRange = data.chart.range === "24h" ? "14d" : "24h";
  const keep = new URLSearchParams();
  if (data.query.status) keep.set("status", data.query.status);
  if (data.query.q) keep.set("q", data.query.q);
  keep.set("chart", other);
  return (
    <div class="dashboard">
      <h1>Orders</h1>
      <AdminOrders initial={data.view} query={data.query} timeZone={timeZone} locale={locale} />
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
