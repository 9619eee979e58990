/**
 * `/orders`: "My orders", the orders of this browser's customer id, newest first, 20 per page, each by
 * its number with the time it was placed in the shop's zone; the list is the MyOrdersLive island
 * (statuses pushed live).
 *
 * @module
 */
import * as ids from "../../api/ids.ts";
import { type OrderJson, orderJson } from "../../api/order_json.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import MyOrdersLive from "../../islands/MyOrdersLive.tsx";
import { processShop } from "../../shop.ts";

/** What the page shows. */
export interface MyOrdersData {
  /** One page of orders. */
  orders: OrderJson[];
  /** Cursor of the next page, "" at the end. */
  nextCursor: string;
  /** True on the first page. */
  first: boolean;
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
    return await ctx.render({
      orders: res.orders.map(orderJson),
      nextCursor: res.nextCursor,
      first: !cursor,
    });
  },
};

/** The list. */
export default function MyOrders({ data, state }: PageProps<MyOrdersData, ShopState>) {
  const shop = state.shop ?? processShop();
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
          <MyOrdersLive
            orders={data.orders}
            first={data.first}
            timeZone={shop.timeZone}
            locale={shop.locale}
          />
        )}
      {data.nextCursor && (
        <p>
          <a class="button" href={`/orders?cursor=${encodeURIComponent(data.nextCursor)}`}>Older orders</a>
        </p>
      )}
    </section>
  );
}
