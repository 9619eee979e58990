/**
 * `POST /cart/add`: adds one unit (or `quantity` units) of item `id` to the cart, never past what the
 * shop has left. A plain form goes back to the item on the menu (`/#item-<id>`, or where `back` says);
 * an island's `fetch` gets the new cart as JSON (see `cart/answer.ts`). An item the catalog does not
 * have is 422 `unknown_item`.
 *
 * @module
 */
import { ApiError } from "../../api/errors.ts";
import { backTo, cartAnswer } from "../../cart/answer.ts";
import { addItem, EMPTY_CART, ITEM_ID, MAX_LINE_QUANTITY } from "../../cart/cart.ts";
import { loadCatalog } from "../../cart/catalog.ts";
import { readCustomerForm } from "../../cart/form.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers } from "../../framework/types.ts";

/** Adds to the cart. */
export const handler: Handlers<unknown, ShopState> = {
  async POST(ctx) {
    const form = await readCustomerForm(ctx);
    const id = form.get("id") ?? "";
    if (!ITEM_ID.test(id)) {
      throw new ApiError(400, "invalid_argument", `Item id ${JSON.stringify(id.slice(0, 80))} is not valid`, {
        field: "id",
      });
    }
    const raw = form.get("quantity");
    const quantity = raw === null || raw === "" ? 1 : Number(raw);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      throw new ApiError(400, "invalid_argument", `Quantity must be 1 to ${MAX_LINE_QUANTITY}`, {
        field: "quantity",
      });
    }
    const catalog = await loadCatalog(ctx);
    const item = catalog.find((i) => i.id === id);
    if (!item) {
      throw new ApiError(422, "unknown_item", `The menu has no item "${id}"`, { field: "id" });
    }
    const before = ctx.state.cart ?? EMPTY_CART;
    const after = addItem(before, id, item.available, quantity);
    return await cartAnswer(ctx, before, after, catalog, backTo(form.get("back"), `/#item-${id}`));
  },
};
