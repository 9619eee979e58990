/**
 * How the cart routes answer: the new cart's cookie (only when the cart changed), then JSON
 * `{"cart": CartView}` for an island's `fetch`, or a 303 redirect back to the page for a plain form.
 *
 * @module
 */
import type { ShopState } from "../customer.ts";
import type { RouteContext } from "../framework/types.ts";
import type { StoredCart } from "./cart.ts";
import { cartCookie } from "./cart_cookie.ts";
import { cartView, type CatalogItem } from "./cart_view.ts";
import { customerSecret, wantsJson } from "./form.ts";

/** The `Set-Cookie` value storing `cart` for this request's customer. */
export async function cartCookieFor<D>(ctx: RouteContext<D, ShopState>, cart: StoredCart): Promise<string> {
  const secret = customerSecret(ctx as RouteContext<unknown, ShopState>);
  return await cartCookie(cart, secret, ctx.state.customerId, ctx.url.protocol === "https:");
}

/** Answers a cart change from `before` to `after` (see the module doc); `back` is where a form goes. */
export async function cartAnswer<D>(
  ctx: RouteContext<D, ShopState>,
  before: StoredCart,
  after: StoredCart,
  catalog: readonly CatalogItem[],
  back: string,
): Promise<Response> {
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (after !== before) headers.append("Set-Cookie", await cartCookieFor(ctx, after));
  ctx.state.cart = after;
  if (wantsJson(ctx.req)) {
    headers.set("Content-Type", "application/json; charset=utf-8");
    return new Response(JSON.stringify({ cart: cartView(after, catalog) }), { status: 200, headers });
  }
  headers.set("Location", back);
  return new Response(null, { status: 303, headers });
}

/** Where a plain cart form goes back to: `checkout` -> the checkout page, `cart` -> the menu's cart. */
export function backTo(value: string | null, fallback: string): string {
  switch (value) {
    case "checkout":
      return "/checkout";
    case "cart":
      return "/#cart";
    default:
      return fallback;
  }
}
