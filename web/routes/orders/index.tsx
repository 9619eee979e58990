/**
 * `/orders`: "My orders", the orders of this browser's customer id, newest first, 20 per page.
 *
 * @module
 */
import * as ids from "../../api/ids.ts";
import { type OrderJson, orderJson } from "../../api/order_json.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import { formatMoney } from "../../lib/money.ts";
import { dateTimeOf, statusLabel } from "../../lib/order_view.ts";

/** What the page shows. */
export interface MyOrdersData {
  /** One page of orders. */
  orders: OrderJson[];
  /** Cursor of the next page, "" at the end. */
  nextCursor: string;
}

/** Lists the customer's orders. */
export const handler: Handlers<MyOrdersData, ShopState> = {
  async GET(ctx) {
    const cursor = ids.cursor(ctx.url.searchParams.get("cursor") ?? undefined);
    const res = await gatewayFor(ctx.hono, ctx.deps).orders.listOfCustomer(ctx.state.customerId, {
      cursor,
      pageSize: 20,
    });
    ctx.state.title = "My orders";
    return await ctx.render({ orders: res.orders.map(orderJson), nextCursor: res.nextCursor });
  },
};

function summary(o: OrderJson): string {
  return o.items.map((l) => `${l.quantity} × ${l.name || l.id}`).join(", ");
}

/** The list. */
export default function MyOrders({ data }: PageProps<MyOrdersData, ShopState>) {
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">My orders</h1>
      {data.orders.length === 0
        ? (
          <div class="notice">
            <p>You have no orders yet.</p>
            <p>
              <a class="button primary" href="/">Browse the menu</a>
            </p>
          </div>
        )
        : (
          <ul class="order-list" data-testid="order-list">
            {data.orders.map((o) => (
              <li key={o.id} class="order-card">
                <a href={`/orders/${encodeURIComponent(o.id)}`} class="order-link">
                  <span class="order-when">{dateTimeOf(o.createdAt)}</span>
                  <span class="order-items">{summary(o)}</span>
                  <span class="order-total">{formatMoney(o.total)}</span>
                  <span class={`status-pill status-${o.status}`}>{statusLabel(o.status)}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      {data.nextCursor && (
        <p>
          <a class="button" href={`/orders?cursor=${encodeURIComponent(data.nextCursor)}`}>Older orders</a>
        </p>
      )}
    </section>
  );
}
