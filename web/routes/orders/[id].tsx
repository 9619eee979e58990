/**
 * `/orders/{id}`: one order of this browser's customer: items and total (server-rendered), and the
 * live status, timeline and actions (the OrderLive island). Someone else's order, or an id that is
 * not one, is "not found".
 *
 * @module
 */
import { ApiError } from "../../api/errors.ts";
import { type OrderJson, orderJson } from "../../api/order_json.ts";
import { OrderItems } from "../../components/OrderItems.tsx";
import type { ShopState } from "../../customer.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import OrderLive from "../../islands/OrderLive.tsx";
import { dateTimeOf } from "../../lib/order_view.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the page shows. */
export interface OrderPageData {
  /** The order. */
  order: OrderJson;
  /** The customer came back from the checkout having paid (`?paid=1`) or having left it (`?cancelled=1`). */
  returned: "paid" | "left" | null;
}

/** Loads the order; 404 page unless it is this customer's. */
export const handler: Handlers<OrderPageData, ShopState> = {
  async GET(ctx) {
    const orderId = ctx.params.id ?? "";
    if (!UUID.test(orderId)) return await ctx.renderNotFound();
    const order = await gatewayFor(ctx.hono, ctx.deps).orders.get(ctx.state.customerId, orderId.toLowerCase())
      .catch((err) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      });
    if (!order) return await ctx.renderNotFound();
    const q = ctx.url.searchParams;
    ctx.state.title = "Your order";
    return await ctx.render({
      order: orderJson(order),
      returned: q.get("paid") === "1" ? "paid" : q.get("cancelled") === "1" ? "left" : null,
    });
  },
};

/** The order page. */
export default function OrderPage({ data, state }: PageProps<OrderPageData, ShopState>) {
  const { order } = data;
  return (
    <article class="order-page" aria-labelledby="order-title">
      <h1 id="order-title">Your order</h1>
      <p class="muted">
        Order <code data-testid="order-id">{order.id}</code>
        {order.createdAt && ` · placed ${dateTimeOf(order.createdAt)}`}
      </p>
      {data.returned === "paid" && order.status === "waiting_payment" && (
        <p class="alert info">Thanks! We are confirming your payment.</p>
      )}
      {data.returned === "left" && order.status === "waiting_payment" && (
        <p class="alert info">You left the checkout without paying. You can pay now or cancel the order.</p>
      )}
      <div class="order-grid">
        <OrderLive order={order} customerId={state.customerId} />
        <section aria-label="Items">
          <OrderItems items={order.items} total={order.total} caption="What you ordered" />
        </section>
      </div>
    </article>
  );
}
