/**
 * `/admin/stock`, from before the menu page: a GET is redirected (308) to `/admin/menu`, which lists
 * the levels and restocks; a restock form posted here still works (the same handler as
 * `POST /admin/menu`, see `admin/restock.ts`).
 *
 * @module
 */
import type { MenuPageData } from "../../admin/menu_page.ts";
import { restockPost } from "../../admin/restock.ts";
import type { AdminState } from "../../admin/state.ts";
import type { Handlers } from "../../framework/types.ts";
import MenuAdmin from "./menu/index.tsx";

export { MAX_RESTOCK, parseQuantity } from "../../admin/restock.ts";

/** Redirects, and restocks. */
export const handler: Handlers<MenuPageData, AdminState> = {
  GET: () => new Response(null, { status: 308, headers: { Location: "/admin/menu" } }),
  POST: (ctx) => restockPost(ctx),
};

export default MenuAdmin;
