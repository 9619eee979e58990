/**
 * `GET /orders/events`: server-sent events for "My orders": `event: order` with an order's JSON each
 * time one of this browser's customer's orders changes, pushed by this process's one shared orders
 * watch (`web/live/`), as the customer may see it (`customersOrder`). Ends after ten minutes (the browser reconnects) or when the browser goes away.
 *
 * @module
 */
import { orderJson } from "../../api/order_json.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers } from "../../framework/types.ts";
import { customersOrder, liveHub } from "../../live/hub.ts";
import { liveResponse } from "../../live/sse.ts";

/** The event stream. */
export const handler: Handlers<unknown, ShopState> = {
  GET(ctx) {
    const { customerId } = ctx.state;
    const hub = liveHub(ctx.deps);
    return liveResponse(ctx.hono, (live) =>
      hub.orders.subscribe(`customer:${customerId}`, (m) => {
        const order = customersOrder(m.order, customerId);
        if (order) live.send("order", orderJson(order));
      }));
  },
};
