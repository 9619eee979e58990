/**
 * `POST /admin/logout` (CSRF-checked by the middleware): deletes the session from the shared staff
 * store at once (a copied cookie stops working on every replica) and removes the cookie.
 *
 * @module
 */
import { clearSessionCookie, seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import { clientOf } from "../../client_info.ts";
import type { Handlers } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";

/** Logs out. */
export const handler: Handlers<unknown, AdminState> = {
  async POST(ctx) {
    if (ctx.state.session) await gatewayFor(ctx.hono, ctx.deps).staff.logout(ctx.state.session.id);
    return seeOther("/admin/login?out=1", {
      "Set-Cookie": clearSessionCookie(clientOf(ctx.hono).secure),
    });
  },
};
