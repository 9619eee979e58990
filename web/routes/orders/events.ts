/**
 * `GET /orders/events`: server-sent events for "My orders": `event: order` with an order's JSON each
 * time one of this browser's customer's orders changes, pushed by this process's one shared orders
 * watch (`web/live/`), as the customer may see it (`customerViewOf`). Ends after ten minutes (the browser reconnects) or when the browser goes away.
 *
 * @module
 */
import { customerViewOf } from "../../../services/common/order_audience.ts";
import { orderJson } from "../../api/order_json.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers } from "../../framework/types.ts";
import { liveHub } from "../../live/hub.ts";
import { liveResponse } from "../../live/sse.ts";

/** The event stream. */
export const handler: Handlers<unknown, ShopState> = {
  GET(ctx) {
    const { customerId } = ctx.state;
    const hub = liveHub(ctx.deps);
    return liveResponse(ctx.hono, (live) =>
      hub.orders.subscribe(`customer:${customerId}`, (m) => {
        // the hub watches as staff: the customer gets the customer's view
        if (m.order?.customerId === customerId) live.send("order", orderJson(customerViewOf(m.order)));
      }));
  },
};
