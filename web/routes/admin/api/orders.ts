/**
 * `GET /admin/api/orders?q=&status=&payment=&from=&to=&cursor=`: the dashboard island's feed (today's
 * figures, counts and one page of the list, for the same filters as the page) as JSON. Needs a session
 * (401 without, from the middleware).
 *
 * @module
 */
import { gatewayFor } from "../../../gateway/mod.ts";
import { toApiError } from "../../../api/errors.ts";
import { loadDashboard } from "../../../admin/dashboard.ts";
import { parseFilters } from "../../../admin/order_filters.ts";
import type { AdminState } from "../../../admin/state.ts";
import type { Handlers } from "../../../framework/types.ts";

/** The feed. */
export const handler: Handlers<unknown, AdminState> = {
  async GET(ctx) {
    try {
      const gw = gatewayFor(ctx.hono, ctx.deps);
      const view = await loadDashboard(gw, parseFilters(ctx.url.searchParams), ctx.state.shop.timeZone);
      return Response.json(view, { headers: { "Cache-Control": "no-store" } });
    } catch (err) {
      const e = toApiError(err, "orders");
      return Response.json(e.toJSON(), { status: e.status, headers: { "Cache-Control": "no-store" } });
    }
  },
};
