/**
 * `GET /orders/{id}/events`: server-sent events for the order page. Sends `event: order` with the
 * order's JSON at once, then each change pushed by this process's one shared orders watch
 * (`web/live/`), never polling. The first event is the order's latest change that watch passed on when
 * it has one (an order placed while the watch was open, or created by this web process's own
 * `CreateOrder` while it was: no call), else one `GetOrder`; either way an
 * order that is not this customer's is `event: gone`. The stream ends when the order reaches a final status, after ten minutes (the browser
 * reconnects), or when the browser goes away; with orders unreachable it ends at once and the browser
 * retries in 3 s.
 *
 * Who is asking: the storefront's cookie, or a bearer token from `POST /api/customers`
 * (`Authorization: Bearer <token>`, as on the customer API; the token wins over the cookie, and one
 * that does not verify is 401 `invalid_token`), both read by `customer_auth.ts`'s `provenCustomer`. An
 * order that is not the proven customer's is `event: gone`, whichever the proof.
 *
 * @module
 */
import type { Order } from "../../../../services/common/gen/oms/orders/v1/orders.ts";
import { toApiError } from "../../../api/errors.ts";
import { orderJson } from "../../../api/order_json.ts";
import type { ShopState } from "../../../customer.ts";
import { defaultCustomerAuth, provenCustomer } from "../../../customer_auth.ts";
import type { Handlers } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { isTerminal } from "../../../lib/order_view.ts";
import { customersOrder, liveHub } from "../../../live/hub.ts";
import { liveResponse } from "../../../live/sse.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event stream. */
export const handler: Handlers<unknown, ShopState> = {
  async GET(ctx) {
    const orderId = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(orderId)) return ctx.renderNotFound();
    const { deps } = ctx;
    // without a bearer token this is the cookie's customer, as `ctx.state` has it (a new visitor's
    // fresh id owns no order)
    const customerId = (await provenCustomer(ctx.hono, deps.customerAuth ?? defaultCustomerAuth())) ??
      ctx.state.customerId;
    const { orders } = gatewayFor(ctx.hono, deps);
    return liveResponse(ctx.hono, async (live) => {
      let shown = "";
      let shownAt = 0;
      let ready = false;
      const early: Order[] = [];
      const show = (watched: Order) => {
        const o = customersOrder(watched, customerId);
        if (!o) return;
        const at = o.updatedAt?.getTime() ?? 0;
        if (at < shownAt) return; // read before what is already shown
        const json = orderJson(o);
        const text = JSON.stringify(json);
        if (text === shown) return;
        shown = text;
        shownAt = at;
        live.send("order", json);
        if (isTerminal(json.status)) live.close();
      };
      // subscribe first, so a change between the read and the subscription is not missed
      const hub = liveHub(deps);
      const unsubscribe = hub.orders.subscribe(`order:${orderId}`, (m) => {
        if (!m.order) return;
        if (ready) show(m.order);
        else early.push(m.order);
      });
      try {
        const order = hub.orders.latest(`order:${orderId}`)?.order ?? await orders.get(customerId, orderId);
        if (order.customerId !== customerId) {
          live.send("gone", {});
          live.close();
          return unsubscribe;
        }
        show(order);
        ready = true;
        for (const o of early.splice(0)) show(o);
      } catch (err) {
        const e = toApiError(err, "orders");
        if (e.status === 404 || e.status === 403) live.send("gone", {});
        else live.comment("orders unavailable, retrying");
        live.close();
      }
      return unsubscribe;
    });
  },
};
