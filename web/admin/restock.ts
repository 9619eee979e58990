/**
 * Restocking from the admin's menu page: `POST` with `itemId` and `quantity` (a whole number from 1 to
 * {@linkcode MAX_RESTOCK}) calls `Stock.Restock`. A bad quantity is shown next to its item (422) and
 * nothing changes; success flashes what was added and goes back to the menu page (303). Served at
 * `/admin/menu` and, for forms and bookmarks from before the menu page, `/admin/stock`.
 *
 * @module
 */
import { toApiError } from "../api/errors.ts";
import type { RouteContext } from "../framework/types.ts";
import { gatewayFor } from "../gateway/mod.ts";
import { seeOther } from "./http.ts";
import { type MenuPageData, renderMenuPage } from "./menu_page.ts";
import type { AdminState } from "./state.ts";

/** Most units one restock may add. */
export const MAX_RESTOCK = 10_000;

/** Checks a restock quantity; returns the number or the message to show. */
export function parseQuantity(value: string): number | string {
  const v = value.trim();
  if (v === "") return "Enter how many units to add.";
  if (!/^\d+$/.test(v)) return `Quantity must be a whole number, got "${v.slice(0, 20)}".`;
  const n = Number(v);
  if (n < 1 || n > MAX_RESTOCK) return `Quantity must be from 1 to ${MAX_RESTOCK}, got ${v.slice(0, 20)}.`;
  return n;
}

/** The restock POST. */
export async function restockPost(ctx: RouteContext<MenuPageData, AdminState>): Promise<Response> {
  const gw = gatewayFor(ctx.hono, ctx.deps);
  const form = ctx.state.form!;
  const itemId = (form.get("itemId") ?? "").trim();
  const value = form.get("quantity") ?? "";
  const items = await gw.stock.list();
  const item = items.find((i) => i.id === itemId);
  if (!item) {
    return await renderMenuPage(
      ctx,
      { error: `Unknown item "${itemId.slice(0, 64)}". Nothing was changed.` },
      422,
    );
  }
  const quantity = parseQuantity(value);
  if (typeof quantity === "string") {
    return await renderMenuPage(
      ctx,
      { failed: { itemId, value: value.slice(0, 20), message: quantity } },
      422,
    );
  }
  try {
    const after = await gw.stock.restock(itemId, quantity);
    ctx.deps.log.info("admin restock", { itemId, quantity });
    ctx.deps.admin!.sessions.flash(ctx.state.session!, {
      kind: "success",
      text: `Added ${quantity} ${quantity === 1 ? "unit" : "units"} of ${item.name}; ${
        after?.available ?? item.available + quantity
      } available now.`,
    });
    return seeOther("/admin/menu");
  } catch (err) {
    const e = toApiError(err, "stock");
    return await renderMenuPage(ctx, { failed: { itemId, value, message: e.message } }, e.status);
  }
}
