/**
 * `GET /admin/api/kitchen`: the kitchen board's feed (every ticket) as JSON. Needs a session.
 *
 * @module
 */
import { gatewayFor } from "../../../gateway/mod.ts";
import { toApiError } from "../../../api/errors.ts";
import { loadTickets } from "../../../admin/data.ts";
import type { AdminState } from "../../../admin/state.ts";
import type { Handlers } from "../../../framework/types.ts";

/** The feed. */
export const handler: Handlers<unknown, AdminState> = {
  async GET(ctx) {
    try {
      const tickets = await loadTickets(gatewayFor(ctx.hono, ctx.deps));
      return Response.json({ tickets }, { headers: { "Cache-Control": "no-store" } });
    } catch (err) {
      const e = toApiError(err, "kitchen");
      return Response.json(e.toJSON(), { status: e.status, headers: { "Cache-Control": "no-store" } });
    }
  },
};
