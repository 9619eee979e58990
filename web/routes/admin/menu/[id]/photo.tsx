/**
 * `POST /admin/menu/:id/photo`: a new photo for the item (multipart form data, field `photo`; this
 * route's body may be up to `MAX_UPLOAD_BODY_BYTES`, see `admin/upload_form.ts`). The photo store
 * checks it (`admin/photo_upload.ts`) and keeps it; its path (`/media/items/<id>/<sha256>`) is saved
 * as the item's image through `Stock.UpdateItem`, so the storefront shows it. A refused photo comes
 * back on the edit page next to the field: 415 (not a JPEG, PNG or WebP), 413 (over 5 MB or 48 MP),
 * 400 (no file, or it does not decode); the item keeps its photo.
 *
 * @module
 */
import { ApiError, toApiError } from "../../../../api/errors.ts";
import { seeOther } from "../../../../admin/http.ts";
import { type ItemPageData, renderItemPage } from "../../../../admin/item_page.ts";
import { storeUploadedPhoto } from "../../../../admin/photo_upload.ts";
import type { AdminState } from "../../../../admin/state.ts";
import { MAX_UPLOAD_BODY_BYTES, uploadedFile } from "../../../../admin/upload_form.ts";
import type { Handlers, RouteConfig } from "../../../../framework/types.ts";
import { gatewayFor } from "../../../../gateway/mod.ts";
import EditItem from "../[id].tsx";

/** A photo is larger than a page form. */
export const config: RouteConfig = { maxBodyBytes: MAX_UPLOAD_BODY_BYTES };

/** Stores the photo. */
export const handler: Handlers<ItemPageData, AdminState> = {
  async POST(ctx) {
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const item = await gw.stock.get(ctx.params.id ?? "");
    try {
      const image = await storeUploadedPhoto(ctx.deps.media, item.id, uploadedFile(ctx.req, "photo"));
      await gw.stock.update(item.id, { image });
      ctx.deps.log.info("admin photo saved", { itemId: item.id, image });
      ctx.deps.admin!.sessions.flash(ctx.state.session!, {
        kind: "success",
        text: `New photo of ${item.name} saved; the menu shows it now.`,
      });
      return seeOther(`/admin/menu/${encodeURIComponent(item.id)}`);
    } catch (err) {
      const e = err instanceof ApiError ? err : toApiError(err, "stock");
      if (e.status >= 500 && e.field !== "photo") throw e;
      return await renderItemPage(ctx, item, { errors: { photo: e.message } }, e.status);
    }
  },
};

export default EditItem;
