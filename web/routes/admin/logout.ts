/**
 * `POST /admin/logout` (CSRF-checked by the middleware): ends the session on the server and removes
 * the cookie.
 *
 * @module
 */
import { clearSessionCookie, seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import { clientOf } from "../../client_info.ts";
import type { Handlers } from "../../framework/types.ts";

/** Logs out. */
export const handler: Handlers<unknown, AdminState> = {
  POST(ctx) {
    if (ctx.state.session) ctx.deps.admin?.sessions.destroy(ctx.state.session.id);
    return seeOther("/admin/login?out=1", {
      "Set-Cookie": clearSessionCookie(clientOf(ctx.hono).secure),
    });
  },
};
