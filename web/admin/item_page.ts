/**
 * What the admin's item edit page (`routes/admin/menu/[id].tsx`) shows, rendered in one place for the
 * edit form's and the photo upload's answers: the item, the form's values and the errors by field.
 *
 * @module
 */
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { RouteContext } from "../framework/types.ts";
import { type ItemFormErrors, type ItemFormValues, valuesOf } from "./menu_form.ts";
import type { AdminState } from "./state.ts";

/** What the edit page shows. */
export interface ItemPageData {
  /** The item as stock holds it. */
  item: Item;
  /** The form's values (what was sent, after a refused save). */
  values: ItemFormValues;
  /** Errors by field. */
  errors: ItemFormErrors;
}

/** Renders the edit page of `item` with `extra` (values sent, errors) and `status`. */
export async function renderItemPage(
  ctx: RouteContext<ItemPageData, AdminState>,
  item: Item,
  extra: Partial<Pick<ItemPageData, "values" | "errors">> = {},
  status = 200,
): Promise<Response> {
  ctx.state.title = `Admin · Menu · ${item.name}`;
  return await ctx.render({ item, values: extra.values ?? valuesOf(item), errors: extra.errors ?? {} }, {
    status,
  });
}
