/**
 * `/`: the menu. Every item with its description, price and stock state, an "Add to cart" island per
 * item, and the cart island.
 *
 * @module
 */
import { type ProductJson, productJson } from "../api/order_json.ts";
import { StockState } from "../components/StockState.tsx";
import type { ShopState } from "../customer.ts";
import type { Handlers, PageProps } from "../framework/types.ts";
import { gatewayFor } from "../gateway/mod.ts";
import AddToCart from "../islands/AddToCart.tsx";
import Cart from "../islands/Cart.tsx";
import { EMPTY_CART } from "../cart/cart.ts";
import { cartView } from "../cart/cart_view.ts";
import { formatMoney } from "../lib/money.ts";

/** What the menu page shows. */
export interface MenuData {
  /** Catalog items. */
  products: ProductJson[];
}

/** Loads the catalog from stock. */
export const handler: Handlers<MenuData, ShopState> = {
  async GET(ctx) {
    const items = await gatewayFor(ctx.hono, ctx.deps).stock.list();
    ctx.state.title = "Menu";
    return await ctx.render({ products: items.map(productJson) });
  },
};

/** The menu and the cart. */
export default function Menu({ data, state }: PageProps<MenuData, ShopState>) {
  const cart = cartView(state.cart ?? EMPTY_CART, data.products);
  return (
    <div class="shop">
      <section class="catalog" aria-labelledby="menu-title">
        <h1 id="menu-title">Menu</h1>
        {data.products.length === 0 && <p class="muted">The menu is empty right now.</p>}
        <ul class="products">
          {data.products.map((p) => (
            <li
              key={p.id}
              class={`product${p.available <= 0 ? " sold-out" : ""}`}
              data-testid="product"
              data-item-id={p.id}
              id={`item-${p.id}`}
            >
              <h2 class="product-name" id={`product-name-${p.id}`}>{p.name}</h2>
              <p class="product-desc">{p.description}</p>
              <div class="product-meta">
                <p class="price">{formatMoney(p.price)}</p>
                <StockState available={p.available} />
              </div>
              <AddToCart
                item={{ id: p.id, name: p.name, price: p.price, available: p.available }}
                csrf={state.csrf}
                inCart={cart.lines.find((l) => l.id === p.id)?.quantity ?? 0}
              />
            </li>
          ))}
        </ul>
      </section>
      <Cart
        customerId={state.customerId}
        currency={data.products[0]?.price.currency ?? ""}
        cart={cart}
        csrf={state.csrf}
        locale={state.shop?.locale}
      />
    </div>
  );
}
