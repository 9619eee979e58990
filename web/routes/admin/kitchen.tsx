/**
 * `/admin/kitchen`: the expediter screen (whole tickets with each station's progress, the recall list,
 * today's prep averages; `?display=1` for the full-screen layout) and the one-tap moves of every
 * kitchen screen, no confirmation page: `POST` with `action` = `start`, `complete` (bump), `undo`,
 * `recall` or `handover` (the order's "Mark completed") for `orderId`, optionally for one `station`'s
 * part, carrying the CSRF token (checked by the admin middleware, like every admin POST; the kitchen
 * service also requires the staff claim and records who). A plain form post gets a flash message after
 * a redirect back to the screen it came from; a refused move is shown with its reason (nothing
 * changed). A request that accepts `application/json` (the island's fetch) gets `{ ok, message }` with
 * the same status instead, and no flash; the screen then follows the live stream.
 *
 * @module
 */
import { gatewayFor } from "../../gateway/mod.ts";
import { type KitchenScreenData, loadScreen } from "../../admin/kitchen_data.ts";
import { doneText, failedText, readMove, runMove } from "../../admin/kitchen_moves.ts";
import { seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { KitchenPage } from "../../components/admin/kitchen/KitchenPage.tsx";

/** What the page shows. */
export type KitchenData = KitchenScreenData;

function wantsJson(req: Request): boolean {
  return (req.headers.get("accept") ?? "").includes("application/json");
}

/** The expediter screen and the moves. */
export const handler: Handlers<KitchenData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · Kitchen";
    const { data, status } = await loadScreen(gatewayFor(ctx.hono, ctx.deps), ctx.deps.log, {
      station: "",
      display: ctx.url.searchParams.get("display") === "1",
      timeZone: ctx.state.shop.timeZone,
    });
    return await ctx.render(data, { status });
  },
  async POST(ctx) {
    ctx.state.title = "Admin · Kitchen";
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const req = readMove(ctx.state.form!);
    let error: string;
    let status: number;
    let back = "/admin/kitchen";
    if ("error" in req) {
      error = req.error;
      status = 422;
    } else {
      back = req.back;
      const refused = await runMove(gw, ctx.deps.log, req);
      if (!refused) {
        const text = doneText(req);
        if (wantsJson(ctx.req)) return Response.json({ ok: true, message: text });
        ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text });
        return seeOther(req.back);
      }
      error = failedText(req, refused.message);
      status = refused.status;
    }
    if (wantsJson(ctx.req)) return Response.json({ ok: false, message: error }, { status });
    const url = new URL(back, ctx.url);
    const station = decodeURIComponent(url.pathname.split("/admin/kitchen/station/")[1] ?? "");
    const { data } = await loadScreen(gw, ctx.deps.log, {
      station,
      display: url.searchParams.get("display") === "1",
      timeZone: ctx.state.shop.timeZone,
      error,
    });
    return await ctx.render(data, { status });
  },
};

/** The expediter page. */
export default function Kitchen({ data, state }: PageProps<KitchenData, AdminState>) {
  return <KitchenPage data={data} state={state} />;
}
