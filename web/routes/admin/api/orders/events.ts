/**
 * `GET /admin/api/orders/events`: server-sent events for the dashboard: `event: change` with
 * `{id, status}` whenever any order changes, pushed by this process's one shared orders watch
 * (`web/live/`). The island then reloads its view (counts and page) once. Needs a session (401 without,
 * from the middleware); ends after ten minutes, so the session is checked again on reconnect.
 *
 * @module
 */
import type { AdminState } from "../../../../admin/state.ts";
import { statusName } from "../../../../api/order_json.ts";
import type { Handlers } from "../../../../framework/types.ts";
import { liveHub } from "../../../../live/hub.ts";
import { ALL } from "../../../../live/upstream.ts";
import { liveResponse } from "../../../../live/sse.ts";

/** The event stream. */
export const handler: Handlers<unknown, AdminState> = {
  GET(ctx) {
    const hub = liveHub(ctx.deps);
    return liveResponse(ctx.hono, (live) =>
      hub.orders.subscribe(ALL, (m) => {
        if (m.order) live.send("change", { id: m.order.id, status: statusName(m.status) });
      }));
  },
};
