/**
 * `POST /cart/update`: sets the quantity of cart lines. The form sends `id` and `quantity` (one pair,
 * or several in order); a quantity of 0 takes the line out. Quantities are
 * capped to what the shop has left, and items the catalog no longer has are dropped. A plain form goes
 * back to the cart (`/#cart`, or the checkout page with `back=checkout`); an island's `fetch` gets
 * the new cart as JSON (see `cart/answer.ts`).
 *
 * @module
 */
import { ApiError } from "../../api/errors.ts";
import { backTo, cartAnswer } from "../../cart/answer.ts";
import { EMPTY_CART, ITEM_ID, MAX_CART_LINES, MAX_LINE_QUANTITY, setQuantity } from "../../cart/cart.ts";
import { loadCatalog } from "../../cart/catalog.ts";
import { readCustomerForm } from "../../cart/form.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers } from "../../framework/types.ts";

function invalid(field: string, message: string): ApiError {
  return new ApiError(400, "invalid_argument", message, { field });
}

/** Changes quantities. */
export const handler: Handlers<unknown, ShopState> = {
  async POST(ctx) {
    const form = await readCustomerForm(ctx);
    const ids = form.getAll("id");
    const quantities = form.getAll("quantity");
    if (ids.length === 0 || ids.length > MAX_CART_LINES) {
      throw invalid("id", `Send 1 to ${MAX_CART_LINES} item ids`);
    }
    const changes: { id: string; quantity: number }[] = [];
    for (const [i, id] of ids.entries()) {
      if (!ITEM_ID.test(id)) throw invalid("id", `Item id ${JSON.stringify(id.slice(0, 80))} is not valid`);
      const text = (quantities[i] ?? "").trim();
      const quantity = Number(text);
      if (text === "" || !Number.isInteger(quantity) || quantity < 0) {
        throw invalid("quantity", `Quantity must be a whole number from 0 to ${MAX_LINE_QUANTITY}`);
      }
      changes.push({ id, quantity: Math.min(quantity, MAX_LINE_QUANTITY) });
    }
    const catalog = await loadCatalog(ctx);
    const available = new Map(catalog.map((i) => [i.id, i.available]));
    const before = ctx.state.cart ?? EMPTY_CART;
    let after = before;
    for (const c of changes) after = setQuantity(after, c.id, c.quantity, available.get(c.id) ?? 0);
    return await cartAnswer(ctx, before, after, catalog, backTo(form.get("back"), "/#cart"));
  },
};
