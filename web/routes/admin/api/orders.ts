/**
 * `GET /admin/api/orders?status=&q=&cursor=`: the dashboard island's feed (counts and one page of
 * the table) as JSON. Needs a session (401 without, from the middleware).
 *
 * @module
 */
import { gatewayFor } from "../../../gateway/mod.ts";
import { toApiError } from "../../../api/errors.ts";
import { loadOrdersView, ordersQuery } from "../../../admin/data.ts";
import type { AdminState } from "../../../admin/state.ts";
import type { Handlers } from "../../../framework/types.ts";

/** The feed. */
export const handler: Handlers<unknown, AdminState> = {
  async GET(ctx) {
    try {
      const view = await loadOrdersView(gatewayFor(ctx.hono, ctx.deps), ordersQuery(ctx.url));
      return Response.json(view, { headers: { "Cache-Control": "no-store" } });
    } catch (err) {
      const e = toApiError(err, "orders");
      return Response.json(e.toJSON(), { status: e.status, headers: { "Cache-Control": "no-store" } });
    }
  },
};
