/**
 * `GET /admin/api/kitchen`: the kitchen screens' feed as JSON: every ticket on the screens and today's
 * average prep time per station (`stats`, empty when the kitchen could not say). Needs a session.
 *
 * @module
 */
import { gatewayFor } from "../../../gateway/mod.ts";
import { toApiError } from "../../../api/errors.ts";
import { loadStats, loadTickets } from "../../../admin/kitchen_data.ts";
import type { AdminState } from "../../../admin/state.ts";
import type { Handlers } from "../../../framework/types.ts";

/** The feed. */
export const handler: Handlers<unknown, AdminState> = {
  async GET(ctx) {
    const gw = gatewayFor(ctx.hono, ctx.deps);
    try {
      const [tickets, stats] = await Promise.all([
        loadTickets(gw),
        loadStats(gw, ctx.state.shop.timeZone).catch(() => []),
      ]);
      return Response.json({ tickets, stats }, { headers: { "Cache-Control": "no-store" } });
    } catch (err) {
      const e = toApiError(err, "kitchen");
      return Response.json(e.toJSON(), { status: e.status, headers: { "Cache-Control": "no-store" } });
    }
  },
};
