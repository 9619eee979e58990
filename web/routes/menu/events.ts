/**
 * `GET /menu/events`: server-sent events for the storefront's menu: `event: item` with the item's
 * product JSON (`api/order_json.ts` `productJson`: an item off the menu has `offMenu: true` and none
 * available) each time staff change an item (edit, 86 or back, restock). Pushed by this process's one
 * shared watch of stock's items (`web/live/`), never polled; open to everyone, like the menu. Ends after
 * ten minutes (the browser reconnects) or when the browser goes away.
 *
 * @module
 */
import { productJson } from "../../api/order_json.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers } from "../../framework/types.ts";
import { liveHub } from "../../live/hub.ts";
import { liveResponse } from "../../live/sse.ts";
import { ALL } from "../../live/upstream.ts";

/** The event stream. */
export const handler: Handlers<unknown, ShopState> = {
  GET(ctx) {
    const hub = liveHub(ctx.deps);
    return liveResponse(ctx.hono, (live) =>
      hub.items.subscribe(ALL, (m) => {
        if (m.item) live.send("item", productJson(m.item));
      }));
  },
};
