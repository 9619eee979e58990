/**
 * `/admin/kitchen`: the kitchen board (the AdminKitchen island) and its one-tap actions, no
 * confirmation page: `POST` with `action=start` (queued -> preparing), `action=complete`
 * (preparing -> ready) or `action=handover` (ready -> completed: the order's "Mark completed") for
 * `orderId`, carrying the CSRF token (checked by the admin middleware, like every admin POST). A plain
 * form post gets a flash message after a redirect back to the board; a refused move is shown on the
 * board with its reason (nothing changed). A request that accepts `application/json` (the island's
 * fetch) gets `{ ok, message }` with the same status instead, and no flash; the board then follows
 * the live stream. Each ticket's timer counts up from payment and is coloured by age against the
 * shop's `KITCHEN_WARN_MINUTES` / `KITCHEN_LATE_MINUTES`.
 *
 * @module
 */
import { type Gateway, gatewayFor } from "../../gateway/mod.ts";
import type { Logger } from "../../../services/common/log.ts";
import { toApiError } from "../../api/errors.ts";
import { loadTickets } from "../../admin/data.ts";
import { seeOther } from "../../admin/http.ts";
import { runOrderAction } from "../../admin/order_actions.ts";
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
  /** When the page was rendered (epoch milliseconds): the timers' "now" before the script runs. */
  now: number;
}

/** The board's moves. */
export type KitchenMove = "start" | "complete" | "handover";

const MOVES: readonly string[] = ["start", "complete", "handover"];

const DONE: Record<KitchenMove, (n: string) => string> = {
  start: (n) => `Started order ${n}.`,
  complete: (n) => `Order ${n} is ready.`,
  handover: (n) => `Order ${n} handed over (completed).`,
};

const FAILED: Record<KitchenMove, string> = {
  start: "Could not start",
  complete: "Could not complete",
  handover: "Could not hand over",
};

function wantsJson(req: Request): boolean {
  return (req.headers.get("accept") ?? "").includes("application/json");
}

/** Makes `move` on `orderId`; null when done, else why not (nothing changed). */
async function runMove(
  gw: Gateway,
  log: Logger,
  move: KitchenMove,
  orderId: string,
): Promise<{ status: number; message: string } | null> {
  try {
    if (move === "start") await gw.kitchen.start(orderId);
    else if (move === "complete") await gw.kitchen.complete(orderId);
    else {
      // The same checked action as the order page's "Mark completed", minus its confirmation step.
      const order = await gw.orders.find(orderId);
      if (!order) return { status: 404, message: "no such order" };
      const result = await runOrderAction(gw.orders, log, order, "complete");
      if (!result.ok) return { status: result.status, message: result.message };
    }
    return null;
  } catch (err) {
    const e = toApiError(err, move === "handover" ? "orders" : "kitchen");
    return { status: e.status, message: e.message };
  }
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
        now: Date.now(),
      });
    } catch (err) {
      const e = toApiError(err, "kitchen");
      return await ctx.render({ tickets: [], error: e.message, offline: true, now: Date.now() }, {
        status: e.status,
      });
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
    } else if (!MOVES.includes(action)) {
      error = `Unknown action "${action}".`;
      status = 422;
    } else {
      const move = action as KitchenMove;
      const short = orderId.slice(0, 8);
      const refused = await runMove(gw, ctx.deps.log, move, orderId);
      if (!refused) {
        const text = DONE[move](short);
        if (wantsJson(ctx.req)) return Response.json({ ok: true, message: text });
        ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text });
        return seeOther("/admin/kitchen");
      }
      error = `${FAILED[move]} order ${short}: ${refused.message}`;
      status = refused.status;
    }
    if (wantsJson(ctx.req)) return Response.json({ ok: false, message: error }, { status });
    const tickets = await loadTickets(gw).catch(() => null);
    return await ctx.render({ tickets: tickets ?? [], error, offline: tickets === null, now: Date.now() }, {
      status,
    });
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
        now={data.now}
        thresholds={{ warnMinutes: shop.kitchenWarnMinutes, lateMinutes: shop.kitchenLateMinutes }}
      />
    </div>
  );
}
