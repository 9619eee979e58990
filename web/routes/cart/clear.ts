/**
 * `POST /cart/clear`: empties the cart (the checkout island calls it once the order is placed). A plain
 * form goes back to the menu; an island's `fetch` gets the empty cart as JSON.
 *
 * @module
 */
import { backTo, cartAnswer } from "../../cart/answer.ts";
import { EMPTY_CART } from "../../cart/cart.ts";
import { readCustomerForm } from "../../cart/form.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers } from "../../framework/types.ts";

/** Empties the cart. */
export const handler: Handlers<unknown, ShopState> = {
  async POST(ctx) {
    const form = await readCustomerForm(ctx);
    const before = ctx.state.cart ?? EMPTY_CART;
    return await cartAnswer(ctx, before, EMPTY_CART, [], backTo(form.get("back"), "/"));
  },
};
