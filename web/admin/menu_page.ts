/**
 * What the admin's menu page (`routes/admin/menu/index.tsx`) shows, loaded in one place so every
 * route that answers with it (restock, 86, busy mode, and their errors) renders the same page: every
 * item with its levels, and busy mode's minutes.
 *
 * @module
 */
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { RouteContext } from "../framework/types.ts";
import { gatewayFor } from "../gateway/mod.ts";
import type { AdminState } from "./state.ts";

/** What the menu page shows. */
export interface MenuPageData {
  /** Every item, in menu order. */
  items: Item[];
  /** Busy mode's extra minutes now. */
  busyMinutes: number;
  /** A failed restock: the item, the value sent and why, or null. */
  failed: { itemId: string; value: string; message: string } | null;
  /** A refused busy-mode value and why, or null. */
  busyError: { value: string; message: string } | null;
  /** An error for the whole page, or "". */
  error: string;
}

/** Renders the menu page with `extra` (errors) and `status`. */
export async function renderMenuPage(
  ctx: RouteContext<MenuPageData, AdminState>,
  extra: Partial<Pick<MenuPageData, "failed" | "busyError" | "error">> = {},
  status = 200,
): Promise<Response> {
  ctx.state.title = "Admin · Menu";
  const gw = gatewayFor(ctx.hono, ctx.deps);
  const [items, shop] = await Promise.all([gw.stock.list(), gw.stock.shopStatus()]);
  return await ctx.render({
    items,
    busyMinutes: shop.busyMinutes,
    failed: extra.failed ?? null,
    busyError: extra.busyError ?? null,
    error: extra.error ?? "",
  }, { status });
}
