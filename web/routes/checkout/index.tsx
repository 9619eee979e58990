/**
 * `/checkout`: the cart (quantities can still change) and the checkout form (the Checkout island):
 * who the order is for, how to reach them, when they collect it and a note for the kitchen. The pickup
 * times offered and checked include staff's busy mode (`cart/busy_shop.ts`).
 *
 * `POST /checkout` is the form without JavaScript: it checks the form token, the fields
 * (`cart/checkout.ts`: errors come back next to their fields, the values kept, status 422) and the
 * cart, then places the order through the orders facade with the details and the cart's idempotency
 * key, empties the cart and redirects (303) to the payment link (or to the order page while the link is
 * not made yet). Items that sold out meanwhile (409) lower the cart to what is left and say so; items
 * staff took off the menu meanwhile (409 `item_unavailable`) are taken out of the cart and named.
 *
 * @module
 */
import { ApiError, toApiError } from "../../api/errors.ts";
import { isPending } from "../../api/order_json.ts";
import { cartCookieFor } from "../../cart/answer.ts";
import { checkoutKey, EMPTY_CART, setQuantity, type StoredCart } from "../../cart/cart.ts";
import { cartView, type CatalogItem } from "../../cart/cart_view.ts";
import { loadCatalog } from "../../cart/catalog.ts";
import { checkCheckout, type PickupChoices, pickupChoices, withOfferedPickup } from "../../cart/checkout.ts";
import { readCustomerForm } from "../../cart/form.ts";
import type { ShopState } from "../../customer.ts";
import type { Handlers, PageProps, RouteContext } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import Cart from "../../islands/Cart.tsx";
import Checkout, {
  type CheckoutProblem,
  SOLD_OUT_MESSAGE,
  UNAVAILABLE_MESSAGE,
} from "../../islands/Checkout.tsx";
import type { CartView } from "../../lib/cart.ts";
import {
  type CheckoutValues,
  EMPTY_VALUES,
  type FieldErrors,
  fieldOf,
  readValues,
} from "../../lib/checkout_form.ts";
import type { ShopConfig } from "../../shop.ts";
import { busyShop } from "../../cart/busy_shop.ts";

/** What the page shows. */
export interface CheckoutData {
  /** The cart. */
  cart: CartView;
  /** The menu's currency. */
  currency: string;
  /** Pickup choices now. */
  choices: PickupChoices;
  /** Values of the form. */
  values: CheckoutValues;
  /** Errors by field. */
  errors: FieldErrors;
  /** A problem with the order as a whole, or null. */
  problem: CheckoutProblem | null;
}

type Ctx = RouteContext<CheckoutData, ShopState>;

const EMPTY_CART_MESSAGE = "Your cart is empty. Add something from the menu first.";

async function page(
  ctx: Ctx,
  shop: ShopConfig,
  cart: StoredCart,
  catalog: readonly CatalogItem[],
  form: Omit<CheckoutData, "cart" | "currency" | "choices">,
  init: { status?: number; setCookie?: string } = {},
): Promise<Response> {
  ctx.state.title = "Check out";
  const choices = pickupChoices(shop, new Date());
  const headers = new Headers();
  if (init.setCookie) headers.append("Set-Cookie", init.setCookie);
  return await ctx.render({
    cart: cartView(cart, catalog),
    currency: catalog[0]?.price.currency ?? "",
    choices,
    ...form,
    values: withOfferedPickup(form.values, choices),
  }, { status: init.status ?? 200, headers });
}

/** Shows the form; places the order. */
export const handler: Handlers<CheckoutData, ShopState> = {
  async GET(ctx) {
    const cart = ctx.state.cart ?? EMPTY_CART;
    const [shop, catalog] = await Promise.all([busyShop(ctx), loadCatalog(ctx)]);
    return await page(ctx, shop, cart, catalog, { values: EMPTY_VALUES, errors: {}, problem: null });
  },

  async POST(ctx) {
    const form = await readCustomerForm(ctx);
    const now = new Date();
    const values = readValues((name) => form.get(name));
    const cart = ctx.state.cart ?? EMPTY_CART;
    const [shop, catalog] = await Promise.all([busyShop(ctx), loadCatalog(ctx)]);
    const view = cartView(cart, catalog);
    if (view.lines.length === 0) {
      return await page(ctx, shop, cart, catalog, {
        values,
        errors: {},
        problem: { message: EMPTY_CART_MESSAGE, short: [] },
      }, {
        status: 422,
      });
    }
    const check = checkCheckout(values, shop, now);
    if (!check.ok) {
      return await page(ctx, shop, cart, catalog, { values, errors: check.errors, problem: null }, {
        status: 422,
      });
    }

    try {
      const order = await gatewayFor(ctx.hono, ctx.deps).orders.create(
        ctx.state.customerId,
        view.lines.map((l) => ({ itemId: l.id, quantity: l.quantity })),
        checkoutKey(cart),
        check.details,
      );
      const to = !isPending(order) && order.paymentLink
        ? order.paymentLink
        : `/orders/${encodeURIComponent(order.id)}`;
      const headers = new Headers({ Location: to, "Cache-Control": "no-store" });
      headers.append("Set-Cookie", await cartCookieFor(ctx, EMPTY_CART));
      return new Response(null, { status: 303, headers });
    } catch (err) {
      const e = err instanceof ApiError ? err : toApiError(err, "orders");
      if (e.code === "out_of_stock" || e.code === "item_unavailable") {
        const short = e.items ?? [];
        const unavailable = e.code === "item_unavailable";
        let lowered = cart;
        for (const s of short) {
          lowered = setQuantity(lowered, s.id, Math.min(s.available, s.requested), s.available);
        }
        return await page(ctx, shop, lowered, await loadCatalog(ctx), {
          values,
          errors: {},
          problem: { message: unavailable ? UNAVAILABLE_MESSAGE : SOLD_OUT_MESSAGE, short, unavailable },
        }, {
          status: 409,
          setCookie: lowered === cart ? undefined : await cartCookieFor(ctx, lowered),
        });
      }
      const field = fieldOf(e.field);
      if (field && e.status < 500) {
        return await page(
          ctx,
          shop,
          cart,
          catalog,
          { values, errors: { [field]: e.message }, problem: null },
          {
            status: e.status,
          },
        );
      }
      if (e.status >= 500) {
        ctx.deps.log.warn("checkout failed", { status: e.status, err: e.message });
      }
      const message = e.status >= 500
        ? "We could not place your order just now. Nothing was charged; please try again in a moment."
        : e.message;
      return await page(ctx, shop, cart, catalog, { values, errors: {}, problem: { message, short: [] } }, {
        status: e.status,
      });
    }
  },
};

/** The checkout page. */
export default function CheckoutPage({ data, state }: PageProps<CheckoutData, ShopState>) {
  const locale = state.shop?.locale ?? "en-GB";
  return (
    <div class="checkout-page">
      <p class="crumbs">
        <a href="/">← Back to the menu</a>
      </p>
      <h1>Check out</h1>
      <div class="checkout-grid">
        <Cart
          customerId={state.customerId}
          currency={data.currency}
          cart={data.cart}
          csrf={state.csrf ?? ""}
          locale={locale}
          back="checkout"
        />
        <Checkout
          customerId={state.customerId}
          csrf={state.csrf ?? ""}
          cart={data.cart}
          choices={data.choices}
          values={data.values}
          errors={data.errors}
          problem={data.problem}
        />
      </div>
    </div>
  );
}
