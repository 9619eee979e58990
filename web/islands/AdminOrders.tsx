/**
 * The dashboard's live part: today's figures (orders, revenue, average ticket time, open tickets),
 * counts per status, the search and filter form (a GET form: every filter lives in the URL, so a view
 * is a bookmark), one page of the orders list with previous and next pages, and the CSV export of the
 * same view. Order changes are pushed as server-sent events (`/admin/api/orders/events`); after each
 * burst of them the island reloads `/admin/api/orders` with the same filters once (figures included).
 * Only when streaming fails does it poll that feed every few seconds while the tab is visible. Times
 * are shown in the shop's zone and prices in its locale. Rows are keyed by order id. The filter inputs
 * are uncontrolled (`defaultValue`/`defaultChecked`): a reload re-renders the island, and a controlled
 * input would be reset to the page's filters, undoing what staff are typing.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useState } from "preact/hooks";
import { StatusPill } from "../components/admin/StatusPill.tsx";
import { LocalTime } from "../components/LocalTime.tsx";
import type { TodayFigures } from "../admin/figures.ts";
import { formatTicketTime } from "../admin/figures_view.ts";
import {
  filtersHref,
  filtersQuery,
  firstPage,
  isFiltered,
  nextPage,
  type OrderFilters,
  PAYMENT_LABELS,
  PAYMENT_NAMES,
  previousPage,
  STATUS_NAMES,
} from "../admin/order_filters.ts";
import type { OrderListView } from "../admin/order_search.ts";
import { reloadOnLive } from "../lib/live_reload.ts";
import { formatMoney } from "../lib/money.ts";
import { clockIn } from "../lib/when.ts";
import { orderLabel, statusLabel } from "../lib/order_view.ts";

/** What the feed and the page hand the island. */
export interface DashboardView {
  /** Today's figures. */
  figures: TodayFigures;
  /** Counts and the list page. */
  list: OrderListView;
}

/** Props of {@linkcode AdminOrders}. */
export interface AdminOrdersProps {
  /** What the server rendered. */
  initial: DashboardView;
  /** The filters of this page. */
  filters: OrderFilters;
  /** The shop's IANA time zone: every time is shown in it. */
  timeZone: string;
  /** The shop's locale, for times and prices. */
  locale: string;
}

/** How often the island polls when streaming fails, in milliseconds. */
export const POLL_MS = 3000;
/** How long the island waits after a pushed change before reloading, in milliseconds. */
export const SETTLE_MS = 250;

type Feed = "live" | "offline" | "expired";

const href = (f: Partial<OrderFilters>) => filtersHref("/admin", f);

/** Figures, counts, filters and the orders list, kept up to date. */
export default function AdminOrders({ initial, filters, timeZone, locale }: AdminOrdersProps) {
  const zone = { timeZone, locale };
  const [view, setView] = useState(initial);
  const [feed, setFeed] = useState<Feed>("live");
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const query = filtersQuery(filters);

  useEffect(() => {
    const url = `/admin/api/orders${query ? `?${query}` : ""}`;
    const load = async (): Promise<boolean> => {
      try {
        const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
        if (res.status === 401) {
          setFeed("expired");
          return false;
        }
        if (res.ok) {
          const next = await res.json() as DashboardView;
          setView((prev) => JSON.stringify(prev) === JSON.stringify(next) ? prev : next);
          setFeed("live");
          setCheckedAt(new Date().toISOString());
        } else {
          setFeed("offline");
        }
      } catch {
        setFeed("offline");
      }
      return true;
    };
    return reloadOnLive({
      stream: "/admin/api/orders/events",
      event: "change",
      load,
      settleMs: SETTLE_MS,
      pollMs: POLL_MS,
    });
  }, [query]);

  const { figures, list } = view;
  const total = Object.values(list.counts).reduce((a, b) => a + b, 0);
  const prev = previousPage(filters);
  const revenue = figures.revenue.currency ? formatMoney(figures.revenue, locale) : formatMoney(
    { amount: 0, currency: list.rows[0]?.total.currency || "EUR" },
    locale,
  );
  return (
    <div class="admin-orders">
      <section aria-labelledby="today-title" class="figures-panel">
        <h2 id="today-title" class="figures-title">Today</h2>
        <dl class="figures" data-testid="figures">
          <div class="figure">
            <dt>Orders</dt>
            <dd data-testid="figure-orders">{figures.orders}</dd>
          </div>
          <div class="figure">
            <dt>Revenue</dt>
            <dd data-testid="figure-revenue" data-amount={figures.revenue.amount}>{revenue}</dd>
          </div>
          <div class="figure">
            <dt>Average ticket time</dt>
            <dd data-testid="figure-ticket" data-ms={figures.averageTicketMs}>
              {formatTicketTime(figures.averageTicketMs)}
            </dd>
          </div>
          <div class="figure">
            <dt>Open tickets</dt>
            <dd data-testid="figure-open">{figures.openTickets}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="counts-title">
        <h2 id="counts-title" class="sr-only">Orders per status</h2>
        <ul class="counts">
          <li>
            <a
              class="count"
              href={href({ q: filters.q })}
              aria-current={filters.statuses.length === 0 ? "true" : undefined}
            >
              <span class="count-n" data-testid="count-all">{total}</span>
              <span class="count-label">All</span>
            </a>
          </li>
          {STATUS_NAMES.map((s) => (
            <li key={s}>
              <a
                class={`count count-${s}`}
                href={href({ statuses: [s], q: filters.q })}
                aria-current={filters.statuses.length === 1 && filters.statuses[0] === s ? "true" : undefined}
              >
                <span class="count-n" data-testid={`count-${s}`}>{list.counts[s] ?? 0}</span>
                <span class="count-label">{statusLabel(s)}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="orders-title" class="admin-panel">
        <div class="panel-head">
          <h2 id="orders-title">Orders</h2>
          <p class="feed-note muted" data-testid="orders-feed" data-feed={feed} role="status">
            {feed === "live"
              ? `Updates live${checkedAt ? ` · checked ${clockIn(checkedAt, zone)}` : ""}`
              : feed === "offline"
              ? "Cannot reach the server; retrying…"
              : "Your session has ended."}
            {feed === "expired" && <a href="/admin/login?next=%2Fadmin">Log in again</a>}
          </p>
        </div>
        <form method="get" action="/admin" class="order-filters" role="search" data-testid="order-filters">
          <div class="field grow">
            <label for="f-q">Search</label>
            <input
              id="f-q"
              name="q"
              type="search"
              defaultValue={filters.q}
              maxLength={120}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="f-q-hint"
            />
            <span id="f-q-hint" class="hint muted">Order number (#1042), name, phone, email or id</span>
          </div>
          <fieldset class="checks">
            <legend>Status</legend>
            {STATUS_NAMES.map((s) => (
              <label key={s} class="check">
                <input
                  type="checkbox"
                  name="status"
                  value={s}
                  defaultChecked={filters.statuses.includes(s)}
                />
                {statusLabel(s)}
              </label>
            ))}
          </fieldset>
          <fieldset class="checks">
            <legend>Payment</legend>
            {PAYMENT_NAMES.map((p) => (
              <label key={p} class="check">
                <input
                  type="checkbox"
                  name="payment"
                  value={p}
                  defaultChecked={filters.payments.includes(p)}
                />
                {PAYMENT_LABELS[p]}
              </label>
            ))}
          </fieldset>
          <div class="field">
            <label for="f-from">From</label>
            <input id="f-from" name="from" type="date" defaultValue={filters.from} />
          </div>
          <div class="field">
            <label for="f-to">To</label>
            <input id="f-to" name="to" type="date" defaultValue={filters.to} />
          </div>
          <div class="field buttons">
            <button type="submit" class="button primary">Search</button>
            {isFiltered(filters) && <a class="button" href="/admin">Clear</a>}
            <a
              class="button"
              href={filtersHref("/admin/orders/export.csv", firstPage(filters))}
              data-testid="export-csv"
              download
            >
              Export CSV
            </a>
          </div>
        </form>
        {list.notice && <p class="alert info" role="status" data-testid="orders-notice">{list.notice}</p>}
        <div class="table-scroll" role="region" aria-label="Orders table" tabIndex={0}>
          <table class="admin-table cards orders-table" data-testid="orders-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col">Payment</th>
                <th scope="col" class="num">Total</th>
                <th scope="col">Placed</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted empty">No orders match.</td>
                </tr>
              )}
              {list.rows.map((r) => (
                <tr key={r.id} data-testid="order-row" data-order-id={r.id} data-status={r.status}>
                  <td data-label="Order">
                    <a href={`/admin/orders/${encodeURIComponent(r.id)}`}>
                      {r.number > 0
                        ? <strong data-testid="order-number">{orderLabel(r)}</strong>
                        : <code>{r.id.slice(0, 8)}</code>}
                      <span class="sr-only">{r.number > 0 ? ` ${r.id}` : r.id.slice(8)}</span>
                    </a>
                  </td>
                  <td data-label="Customer">
                    <a href={`/admin/customers/${encodeURIComponent(r.customerId)}`} class="customer">
                      {r.name || <code>{r.customerId}</code>}
                    </a>
                  </td>
                  <td data-label="Status">
                    <StatusPill status={r.status} />
                  </td>
                  <td data-label="Payment" data-testid="order-payment">
                    {PAYMENT_LABELS[r.payment] ?? r.payment}
                  </td>
                  <td class="num" data-label="Total">{formatMoney(r.total, locale)}</td>
                  <td data-label="Placed">
                    <LocalTime at={r.createdAt} zone={zone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {prev && <a class="button" href={href(prev)} rel="prev">Previous page</a>}
          {filters.cursor && <a class="button" href={href(firstPage(filters))}>First page</a>}
          {list.nextCursor && (
            <a class="button" href={href(nextPage(filters, list.nextCursor))} rel="next">Next page</a>
          )}
        </nav>
      </section>
    </div>
  );
}
