/**
 * "My orders": the list of this customer's orders, with statuses kept up to date. Changes are pushed
 * as server-sent events from `/orders/events` (`lib/live_source.ts`); a new order appears at the top of
 * the first page. If streaming fails the list stays as rendered (reloading the page shows the news).
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { OrderJson } from "../api/order_json.ts";
import { followLive } from "../lib/live_source.ts";
import { formatMoney } from "../lib/money.ts";
import { orderLabel, statusLabel } from "../lib/order_view.ts";
import { dateTimeIn } from "../lib/when.ts";

/** Props of {@linkcode MyOrdersLive}. */
export interface MyOrdersLiveProps {
  /** The page of orders as the server rendered it, newest first. */
  orders: OrderJson[];
  /** True on the first page: new orders are added at the top. */
  first: boolean;
  /** The shop's IANA time zone: times are shown in it. */
  timeZone?: string;
  /** The shop's locale. */
  locale?: string;
}

function summary(o: OrderJson): string {
  return o.items.map((l) => `${l.quantity} × ${l.name || l.id}`).join(", ");
}

/** The list. */
export default function MyOrdersLive(
  { orders: initial, first, timeZone = "UTC", locale = "en-GB" }: MyOrdersLiveProps,
) {
  const [orders, setOrders] = useState(initial);
  useEffect(() =>
    followLive("/orders/events", {
      order: (data) => {
        const next = data as OrderJson;
        setOrders((list) => {
          const at = list.findIndex((o) => o.id === next.id);
          if (at === -1) return first ? [next, ...list] : list;
          return list.map((o, i) => i === at ? next : o);
        });
      },
    }, { fallBack: () => {} }), []);

  return (
    <ul class="order-list" data-testid="order-list">
      {orders.map((o) => (
        <li key={o.id} class="order-card">
          <a href={`/orders/${encodeURIComponent(o.id)}`} class="order-link">
            <span class="order-when">
              <strong class="order-number" data-testid="order-number">Order {orderLabel(o)}</strong>{" "}
              <time dateTime={o.createdAt ?? undefined}>{dateTimeIn(o.createdAt, { timeZone, locale })}</time>
            </span>
            <span class="order-items">{summary(o)}</span>
            <span class="order-total">{formatMoney(o.total, locale)}</span>
            <span class={`status-pill status-${o.status}`} data-status={o.status}>
              {statusLabel(o.status)}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
