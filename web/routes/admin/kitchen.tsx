/**
 * `/admin/kitchen`: the kitchen board (the AdminKitchen island) and its actions: `POST` with
 * `action=start` (queued -> preparing) or `action=complete` (preparing -> ready) for `orderId`.
 * Success comes back as a flash message after a redirect; a refused move is shown on the board with
 * its reason (nothing changed).
 *
 * @module
 */
import { gatewayFor } from "../../gateway/mod.ts";
import { toApiError } from "../../api/errors.ts";
import { loadTickets } from "../../admin/data.ts";
import { seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import type { TicketView } from "../../admin/view.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import AdminKitchen from "../../islands/AdminKitchen.tsx";

/** What the page shows. */
export interface KitchenData {
  /** Tickets. */
  tickets: TicketView[];
  /** An error to show, or "". */
  error: string;
  /** True when the tickets could not be read. */
  offline: boolean;
}

/** The board and the moves. */
export const handler: Handlers<KitchenData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · Kitchen";
    try {
      return await ctx.render({
        tickets: await loadTickets(gatewayFor(ctx.hono, ctx.deps)),
        error: "",
        offline: false,
      });
    } catch (err) {
      const e = toApiError(err, "kitchen");
      return await ctx.render({ tickets: [], error: e.message, offline: true }, { status: e.status });
    }
  },
  async POST(ctx) {
    ctx.state.title = "Admin · Kitchen";
    const form = ctx.state.form!;
    const orderId = (form.get("orderId") ?? "").trim();
    const action = form.get("action") ?? "";
    const gw = gatewayFor(ctx.hono, ctx.deps);
    let error = "";
    let status = 200;
    if (!orderId || orderId.length > 64) {
      error = "Choose a ticket to move.";
      status = 422;
    } else if (action !== "start" && action !== "complete") {
      error = `Unknown action "${action}".`;
      status = 422;
    } else {
      try {
        if (action === "start") await gw.kitchen.start(orderId);
        else await gw.kitchen.complete(orderId);
        ctx.deps.admin!.sessions.flash(ctx.state.session!, {
          kind: "success",
          text: action === "start"
            ? `Started order ${orderId.slice(0, 8)}.`
            : `Order ${orderId.slice(0, 8)} is ready.`,
        });
        return seeOther("/admin/kitchen");
      } catch (err) {
        const e = toApiError(err, "kitchen");
        error = `${action === "start" ? "Could not start" : "Could not complete"} order ${
          orderId.slice(0, 8)
        }: ${e.message}`;
        status = e.status;
      }
    }
    const tickets = await loadTickets(gw).catch(() => null);
    return await ctx.render({ tickets: tickets ?? [], error, offline: tickets === null }, { status });
  },
};

/** The kitchen page. */
export default function Kitchen({ data, state }: PageProps<KitchenData, AdminState>) {
  const shop = state.shop;
  return (
    <div class="kitchen-page">
      <h1>Kitchen</h1>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      <AdminKitchen
        initial={data.tickets}
        csrf={state.csrf}
        offline={data.offline}
        timeZone={shop.timeZone}
        locale={shop.locale}
      />
    </div>
  );
}
