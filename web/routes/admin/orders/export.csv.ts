/**
 * `GET /admin/orders/export.csv?q=&status=&payment=&from=&to=`: the orders list's filtered view as a CSV
 * download, streamed page by page (`admin/orders_csv.ts`), never held whole in memory. Under
 * `/admin/orders`, so it needs what the orders pages need (`permissions.ts`).
 *
 * @module
 */
import { ordersCsv } from "../../../admin/orders_csv.ts";
import { parseFilters } from "../../../admin/order_filters.ts";
import type { AdminState } from "../../../admin/state.ts";
import type { Handlers } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";

/** The download. */
export const handler: Handlers<unknown, AdminState> = {
  GET(ctx) {
    const filters = parseFilters(ctx.url.searchParams);
    const day = new Intl.DateTimeFormat("sv-SE", { timeZone: ctx.state.shop.timeZone }).format(new Date());
    const body = ordersCsv(gatewayFor(ctx.hono, ctx.deps), filters, ctx.state.shop.timeZone);
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="orders-${day}.csv"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
};
