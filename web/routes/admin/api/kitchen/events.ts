/**
 * `GET /admin/api/kitchen/events`: server-sent events for the kitchen board: `event: ticket` with the
 * ticket's view whenever a ticket opens or moves, pushed by this process's one shared kitchen watch
 * (`web/live/`). Needs a session; ends after ten minutes, so the session is checked again on reconnect.
 *
 * @module
 */
import { ticketView } from "../../../../admin/kitchen_data.ts";
import type { AdminState } from "../../../../admin/state.ts";
import type { Handlers } from "../../../../framework/types.ts";
import { liveHub } from "../../../../live/hub.ts";
import { ALL } from "../../../../live/upstream.ts";
import { liveResponse } from "../../../../live/sse.ts";

/** The event stream. */
export const handler: Handlers<unknown, AdminState> = {
  GET(ctx) {
    const hub = liveHub(ctx.deps);
    return liveResponse(ctx.hono, (live) =>
      hub.tickets.subscribe(ALL, (m) => {
        if (m.ticket) live.send("ticket", ticketView(m.ticket));
      }));
  },
};
