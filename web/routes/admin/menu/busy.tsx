/**
 * `POST /admin/menu/busy`: sets busy mode (`minutes`, a whole number from 0 to
 * 120) through `Stock.SetBusyMinutes`, so every web replica's checkout adds
 * them to the pickup estimate. Success flashes it and goes back to the menu page (303); a bad value is
 * shown next to the control (422) and nothing changes.
 *
 * @module
 */
import { toApiError } from "../../../api/errors.ts";
import { seeOther } from "../../../admin/http.ts";
import { type MenuPageData, renderMenuPage } from "../../../admin/menu_page.ts";
import type { AdminState } from "../../../admin/state.ts";
import type { Handlers } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { parseBusyMinutes } from "../../../admin/busy_form.ts";
import MenuAdmin from "./index.tsx";

/** Sets busy mode. */
export const handler: Handlers<MenuPageData, AdminState> = {
  async POST(ctx) {
    const value = ctx.state.form!.get("minutes") ?? "";
    const minutes = parseBusyMinutes(value);
    if (typeof minutes === "string") {
      return await renderMenuPage(ctx, { busyError: { value: value.slice(0, 20), message: minutes } }, 422);
    }
    try {
      await gatewayFor(ctx.hono, ctx.deps).stock.setBusyMinutes(minutes);
    } catch (err) {
      const e = toApiError(err, "stock");
      return await renderMenuPage(ctx, { busyError: { value, message: e.message } }, e.status);
    }
    ctx.deps.log.info("admin busy mode", { minutes });
    ctx.deps.admin!.sessions.flash(ctx.state.session!, {
      kind: "success",
      text: minutes === 0
        ? "Busy mode is off: customers see the usual pickup times."
        : `Busy mode is on: customers see pickup times ${minutes} minutes later.`,
    });
    return seeOther("/admin/menu");
  },
};

export default MenuAdmin;
