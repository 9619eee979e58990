/**
 * The dashboard's live part: counts per status (each a link that filters the table), the filter and
 * search form, and one page of the orders table, newest first. Order changes are pushed as
 * server-sent events (`/admin/api/orders/events`); after each burst of them the island reloads
 * `/admin/api/orders` with the same filters once. Only when streaming fails does it poll that feed every
 * few seconds while the tab is visible. It says when it cannot reach the server or the session has
 * ended. Times are shown in the shop's zone and prices in its locale (the page passes both). Rows
 * are keyed by order id, so updates do not move the keyboard focus.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useState } from "preact/hooks";
import { StatusPill } from "../components/admin/StatusPill.tsx";
import { ORDER_STATUSES, type OrdersQuery, type OrdersView } from "../admin/view.ts";
import { LocalTime } from "../components/LocalTime.tsx";
import { reloadOnLive } from "../lib/live_reload.ts";
import { formatMoney } from "../lib/money.ts";
import { clockIn } from "../lib/when.ts";
import { orderLabel, statusLabel } from "../lib/order_view.ts";

/** Props of {@linkcode AdminOrders}. */
export interface AdminOrdersProps {
  /** What the server rendered. */
  initial: OrdersView;
  /** The filters of this page. */
  query: OrdersQuery;
  /** The shop's IANA time zone: every time in the table is shown in it. */
  timeZone: string;
  /** The shop's locale, for times and prices. */
  locale: string;
}

/** How often the island polls when streaming fails, in milliseconds. */
export const POLL_MS = 3000;
/** How long the island waits after a pushed change before reloading (changes meanwhile share the reload), in milliseconds. */
export const SETTLE_MS = 250;

type Feed = "live" | "offline" | "expired";

function href(q: Partial<OrdersQuery>): string {
  const p = new URLSearchParams();
  if (q.status) p.set("status", q.status);
  if (q.q) p.set("q", q.q);
  if (q.cursor) p.set("cursor", q.cursor);
  const s = p.toString();
  return s ? `/admin?${s}` : "/admin";
}

/** Counts, filters and the orders table, kept up to date. */
export default function AdminOrders({ initial, query, timeZone, locale }: AdminOrdersProps) {
  const zone = { timeZone, locale };
  const [view, setView] = useState(initial);
  const [feed, setFeed] = useState<Feed>("live");
  const [checkedAt, setCheckedAt] = useState<string | null>(null);

  useEffect(() => {
    const url = `/admin/api/orders${href(query).slice("/admin".length)}`;
    const load = async (): Promise<boolean> => {
      try {
        const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
        if (res.status === 401) {
          setFeed("expired");
          return false;
        }
        if (res.ok) {
          const next = await res.json() as OrdersView;
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
  }, [query.status, query.q, query.cursor]);

  const total = Object.values(view.counts).reduce((a, b) => a + b, 0);
  return (
    <div class="admin-orders">
      <section aria-labelledby="counts-title">
        <h2 id="counts-title" class="sr-only">Orders per status</h2>
        <ul class="counts">
          <li>
            <a
              class="count"
              href={href({ q: query.q })}
              aria-current={query.status === "" ? "true" : undefined}
            >
              <span class="count-n" data-testid="count-all">{total}</span>
              <span class="count-label">All</span>
            </a>
          </li>
          {ORDER_STATUSES.map((s) => (
            <li key={s}>
              <a
                class={`count count-${s}`}
                href={href({ status: s, q: query.q })}
                aria-current={query.status === s ? "true" : undefined}
              >
                <span class="count-n" data-testid={`count-${s}`}>{view.counts[s] ?? 0}</span>
                <span class="count-label">{statusLabel(s)}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="orders-title" class="admin-panel">
        <div class="panel-head">
          <h2 id="orders-title">Latest orders</h2>
          <p class="feed-note muted" data-testid="orders-feed" data-feed={feed} role="status">
            {feed === "live"
              ? `Updates live${checkedAt ? ` · checked ${clockIn(checkedAt, zone)}` : ""}`
              : feed === "offline"
              ? "Cannot reach the server; retrying…"
              : "Your session has ended."}
            {feed === "expired" && <a href="/admin/login?next=%2Fadmin">Log in again</a>}
          </p>
        </div>
        <form method="get" action="/admin" class="filters" role="search" data-busy="Searching…">
          <div class="field">
            <label for="f-status">Status</label>
            <select id="f-status" name="status">
              <option value="" selected={query.status === ""}>All statuses</option>
              {ORDER_STATUSES.map((s) => (
                <option key={s} value={s} selected={query.status === s}>{statusLabel(s)}</option>
              ))}
            </select>
          </div>
          <div class="field grow">
            <label for="f-q">Order id or customer id</label>
            <input
              id="f-q"
              name="q"
              type="search"
              value={query.q}
              maxLength={64}
              autocomplete="off"
              spellcheck={false}
            />
          </div>
          <div class="field buttons">
            <button type="submit" class="button primary">Search</button>
            {(query.q || query.status) && <a class="button" href="/admin">Clear</a>}
          </div>
        </form>
        {view.notice && <p class="alert info" role="status" data-testid="orders-notice">{view.notice}</p>}
        <div class="table-scroll" role="region" aria-label="Orders table" tabIndex={0}>
          <table class="admin-table cards orders-table" data-testid="orders-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Units</th>
                <th scope="col" class="num">Total</th>
                <th scope="col">Placed</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted empty">No orders match.</td>
                </tr>
              )}
              {view.rows.map((r) => (
                <tr key={r.id} data-testid="order-row" data-order-id={r.id} data-status={r.status}>
                  <td data-label="Order">
                    <a href={`/admin/orders/${encodeURIComponent(r.id)}`}>
                      {r.number > 0 && <strong data-testid="order-number">{orderLabel(r)}</strong>}{" "}
                      <code>{r.id.slice(0, 8)}</code>
                      <span class="sr-only">{r.id.slice(8)}</span>
                    </a>
                  </td>
                  <td data-label="Customer">
                    <a href={href({ q: r.customerId })} class="customer">
                      <code>{r.customerId}</code>
                    </a>
                  </td>
                  <td data-label="Status">
                    <StatusPill status={r.status} />
                  </td>
                  <td class="num" data-label="Units">{r.units}</td>
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
          {query.cursor && <a class="button" href={href({ status: query.status, q: query.q })}>First page</a>}
          {view.nextCursor && (
            <a class="button" href={href({ ...query, cursor: view.nextCursor })} rel="next">Next page</a>
          )}
        </nav>
      </section>
    </div>
  );
}
