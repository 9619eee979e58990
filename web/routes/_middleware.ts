/**
 * Every page: gives the browser its customer id (a signed HttpOnly cookie, made on the first visit)
 * and puts it in `ctx.state.customerId`; puts the shop's settings in `ctx.state.shop`, the customer's
 * form token in `ctx.state.csrf` (made on first read) and their cart (ids and quantities) in
 * `ctx.state.cart`.
 *
 * A request with a bearer token (an API client following an order's event stream; see
 * `customer_auth.ts`: the token wins over any cookie) gets no cookie: such a client proves itself with
 * its token, so a new id serves that one request and no cookie is signed for it.
 *
 * @module
 */
import { EMPTY_CART } from "../cart/cart.ts";
import { readCart } from "../cart/cart_cookie.ts";
import { customerCsrfTokenNow } from "../cart/csrf.ts";
import { customerCookie, newCustomerId, readCustomerId, type ShopState } from "../customer.ts";
import { defaultCustomerAuth, sendsBearerToken } from "../customer_auth.ts";
import { hasMutableHeaders } from "../framework/mutable_headers.ts";
import type { Middleware } from "../framework/types.ts";
import { processShop } from "../shop.ts";

let warned = false;

/** Reads or makes the customer id. */
export const handler: Middleware<ShopState> = async (ctx) => {
  const { secret, randomSecret } = ctx.deps.customerAuth ?? defaultCustomerAuth();
  if (randomSecret && !warned) {
    warned = true;
    ctx.deps.log.warn(
      "WEB_COOKIE_SECRET is not set: customer cookies are signed with a random per-process secret, " +
        "so browsers get new customer ids after a restart",
    );
  }
  const known = await readCustomerId(ctx.hono, secret);
  const customerId = known ?? newCustomerId();
  ctx.state.customerId = customerId;
  ctx.state.shop = ctx.deps.shop ?? processShop();
  // made when a page first reads it (an event stream or a redirect never does); assignable as before
  let csrf: string | undefined;
  Object.defineProperty(ctx.state, "csrf", {
    get: () => csrf ??= customerCsrfTokenNow(secret, customerId),
    set: (value: string | undefined) => void (csrf = value),
    enumerable: true,
    configurable: true,
  });
  ctx.state.cart = known ? await readCart(ctx.hono, secret, customerId) : EMPTY_CART;
  const res = await ctx.next();
  if (known || sendsBearerToken(ctx.hono)) return res;
  const cookie = await customerCookie(customerId, secret, ctx.url.protocol === "https:");
  // on the answer itself when its headers can change (a copy would read its body back as a stream)
  if (hasMutableHeaders(res)) {
    res.headers.append("Set-Cookie", cookie);
    return res;
  }
  const headers = new Headers(res.headers);
  headers.append("Set-Cookie", cookie);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
};
