/**
 * `/`: the menu. A section per category (Pizzas, Salads, Desserts, Drinks, in the catalog's order)
 * behind a sticky bar of category links; a search box that filters as you type and, without
 * JavaScript, as a plain GET (`/?q=...`, filtered here on the server); each item with its picture,
 * description, dietary badges, allergens, price in the shop's locale, stock state and an "Add to
 * cart" island; and the cart island.
 *
 * A new visitor's page (no search, an empty cart, no query string at all) is the same for everyone but
 * for the customer id and the form token: it is rendered with placeholders for those two and filled in
 * per request (`framework/page_template.ts`), and rendered again only when the catalog read from stock
 * (at most one a second, or after an order, see `gateway/catalog_cache.ts`) would show differently
 * (`menuSignature`: stock levels above a cart line's limit all show alike).
 *
 * @module
 */
import { productJson } from "../api/order_json.ts";
import { CategoryBar } from "../components/menu/CategoryBar.tsx";
import { itemMatches, type MenuProduct, menuSections, menuSignature } from "../components/menu/menu.ts";
import { MenuSectionView } from "../components/menu/MenuSectionView.tsx";
import { MAX_QUERY_LENGTH } from "../components/menu/search.ts";
import type { ShopState } from "../customer.ts";
import type { Handlers, PageProps, RouteContext } from "../framework/types.ts";
import { fillTemplate, makeTemplate, type PageTemplate } from "../framework/page_template.ts";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { gatewayFor } from "../gateway/mod.ts";
import Cart from "../islands/Cart.tsx";
import { EMPTY_CART } from "../cart/cart.ts";
import { cartView } from "../cart/cart_view.ts";
import MenuSearch from "../islands/MenuSearch.tsx";
import { DEFAULT_SHOP } from "../shop.ts";

/** What the menu page shows. */
export interface MenuData {
  /** Catalog items. */
  products: MenuProduct[];
  /** The search query (`?q=`), "" for none. */
  query: string;
}

type Slot = "customerId" | "csrf";
const MENU_TITLE = "Menu";

/** A new visitor's page as last made for a shop setting: for one menu signature. */
interface KeptPage {
  signature: string;
  page: Promise<PageTemplate<Slot> | null>;
}

/** The new visitor's page kept per shop setting (object; `NO_SHOP` for none). */
const kept = new WeakMap<object, KeptPage>();
const NO_SHOP = {};
/** The menu signature of each catalog list (computed once per list read from stock). */
const signatures = new WeakMap<Item[], string>();

let made = 0;

/** How many new visitor's menus this process has rendered (each kept while the menu renders alike). */
export function newVisitorMenusMade(): number {
  return made;
}

function signatureOf(items: Item[]): string {
  let signature = signatures.get(items);
  if (signature === undefined) signatures.set(items, signature = menuSignature(items.map(productJson)));
  return signature;
}

/**
 * The new visitor's page for `items`: rendered from placeholders and what every such visitor shares
 * (the shop, an empty cart), never from this visitor's own state. Kept while the menu would render
 * alike ({@linkcode menuSignature}): a catalog read again after an order, with only stock levels above
 * what the page shows changed, reuses it.
 */
function newVisitorPage(ctx: RouteContext<MenuData, ShopState>, items: Item[]) {
  const shop = ctx.state.shop;
  const shopKey = shop ?? NO_SHOP;
  const signature = signatureOf(items);
  const found = kept.get(shopKey);
  if (found?.signature === signature) return found.page;
  made++;
  const page = makeTemplate<Slot>(
    ["customerId", "csrf"],
    (slot) =>
      ctx.render({ products: items.map(productJson), query: "" }, undefined, {
        customerId: slot.customerId,
        csrf: slot.csrf,
        cart: EMPTY_CART,
        shop,
        title: MENU_TITLE,
      }),
  );
  const entry = { signature, page };
  kept.set(shopKey, entry);
  page.catch(() => {
    if (kept.get(shopKey) === entry) kept.delete(shopKey);
  });
  return page;
}

/** Loads the catalog from stock. */
export const handler: Handlers<MenuData, ShopState> = {
  async GET(ctx) {
    const items = await gatewayFor(ctx.hono, ctx.deps).stock.catalog();
    const query = (ctx.url.searchParams.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH);
    if (ctx.url.search === "" && (ctx.state.cart ?? EMPTY_CART).lines.length === 0) {
      const template = await newVisitorPage(ctx, items);
      const page = template &&
        fillTemplate(template, { customerId: ctx.state.customerId, csrf: ctx.state.csrf });
      if (page) return page;
    }
    ctx.state.title = query ? `“${query}” on the menu` : MENU_TITLE;
    const products = items.map(productJson);
    return await ctx.render({ products, query });
  },
};

/** How many sections load their pictures at once; later ones load them as they near the screen. */
const EAGER_SECTIONS = 1;

/** The menu and the cart. */
export default function Menu({ data, state }: PageProps<MenuData, ShopState>) {
  const locale = (state.shop ?? DEFAULT_SHOP).locale;
  const sections = menuSections(data.products);
  const shown = new Set(data.products.filter((p) => itemMatches(p, data.query)).map((p) => p.id));
  const hidden = new Set(sections.filter((s) => !s.items.some((p) => shown.has(p.id))).map((s) => s.id));
  const cart = cartView(state.cart ?? EMPTY_CART, data.products);
  const inCart = new Map(cart.lines.map((l) => [l.id, l.quantity]));
  return (
    <div class="shop">
      <section class="catalog" aria-labelledby="menu-title">
        <h1 id="menu-title">Menu</h1>
        {data.products.length === 0 ? <p class="muted">The menu is empty right now.</p> : (
          <>
            <MenuSearch query={data.query} shown={shown.size} />
            <CategoryBar sections={sections} hidden={hidden} />
            {sections.map((s, i) => (
              <MenuSectionView
                key={s.id}
                section={s}
                locale={locale}
                shown={shown}
                lazy={i >= EAGER_SECTIONS}
                csrf={state.csrf}
                inCart={inCart}
              />
            ))}
          </>
        )}
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
