/**
 * `POST /admin/menu/:id/off-menu`: the one-tap "86": `offMenu=true` takes the item off the menu
 * (customers see "Not available today" within a second, and checkout refuses it), `offMenu=false`
 * brings it back, through `Stock.SetOffMenu` (staff recorded). No confirmation page: the menu page
 * comes back (303) with a flash saying what changed. A value other than true/false is 422, an unknown
 * item 404, and nothing changes.
 *
 * @module
 */
import { toApiError } from "../../../../api/errors.ts";
import { seeOther } from "../../../../admin/http.ts";
import { type MenuPageData, renderMenuPage } from "../../../../admin/menu_page.ts";
import type { AdminState } from "../../../../admin/state.ts";
import type { Handlers } from "../../../../framework/types.ts";
import { gatewayFor } from "../../../../gateway/mod.ts";
import MenuAdmin from "../index.tsx";

/** Takes the item off the menu or brings it back. */
export const handler: Handlers<MenuPageData, AdminState> = {
  async POST(ctx) {
    const id = ctx.params.id ?? "";
    const value = ctx.state.form!.get("offMenu") ?? "";
    if (value !== "true" && value !== "false") {
      return await renderMenuPage(ctx, {
        error: `offMenu must be "true" or "false", got "${value.slice(0, 20)}". Nothing was changed.`,
      }, 422);
    }
    const offMenu = value === "true";
    try {
      const item = await gatewayFor(ctx.hono, ctx.deps).stock.setOffMenu(id, offMenu);
      ctx.deps.log.info("admin 86", { itemId: id, offMenu });
      ctx.deps.admin!.sessions.flash(ctx.state.session!, {
        kind: "success",
        text: offMenu
          ? `${item.name} is off the menu: customers see it as not available today.`
          : `${item.name} is back on the menu.`,
      });
      return seeOther(`/admin/menu#item-${encodeURIComponent(id)}`);
    } catch (err) {
      const e = toApiError(err, "stock");
      return await renderMenuPage(ctx, { error: `${e.message}. Nothing was changed.` }, e.status);
    }
  },
};

export default MenuAdmin;
