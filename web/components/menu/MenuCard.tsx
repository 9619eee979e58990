/**
 * One item of the menu: its picture (with `width`/`height`, so the card never moves as it loads),
 * name, description, dietary badges, allergens, price in the shop's locale, stock state (or "Not
 * available today" while it is off the menu) and the "Add to cart" island, which keeps the card live.
 *
 * @module
 */
import AddToCart from "../../islands/AddToCart.tsx";
import { formatMoney } from "../../lib/money.ts";
import { StockState } from "../StockState.tsx";
import { DietaryInfo } from "./DietaryInfo.tsx";
import { IMAGE_SIZE, imageSrc, itemSearchText, type MenuProduct, shownAvailable } from "./menu.ts";

/** Props of {@linkcode MenuCard}. */
export interface MenuCardProps {
  /** The item. */
  product: MenuProduct;
  /** The shop's locale for the price, e.g. `en-GB`. */
  locale: string;
  /** False when the current search hides it. */
  visible: boolean;
  /** Load the picture only when it nears the viewport (items further down the page). */
  lazy: boolean;
  /** The customer's form token for the "Add to cart" form. */
  csrf?: string;
  /** Units of the item already in the cart. */
  inCart?: number;
}

/** The card. */
export function MenuCard({ product: p, locale, visible, lazy, csrf, inCart }: MenuCardProps) {
  return (
    <li
      class={`product${p.available <= 0 ? " sold-out" : ""}`}
      data-testid="product"
      data-item-id={p.id}
      data-off-menu={p.offMenu ? "true" : undefined}
      id={`item-${p.id}`}
      data-search={itemSearchText(p)}
      hidden={!visible}
    >
      <img
        class="product-img"
        src={imageSrc(p.image)}
        width={IMAGE_SIZE.width}
        height={IMAGE_SIZE.height}
        alt=""
        loading={lazy ? "lazy" : "eager"}
        decoding="async"
      />
      <div class="product-body">
        <h3 class="product-name" id={`product-name-${p.id}`}>{p.name}</h3>
        <p class="product-desc">{p.description}</p>
        <DietaryInfo id={p.id} tags={p.tags} allergens={p.allergens} />
      </div>
      <div class="product-foot">
        <div class="product-meta">
          <p class="price">{formatMoney(p.price, locale)}</p>
          <StockState available={p.available} offMenu={p.offMenu} />
        </div>
        <AddToCart
          item={{ id: p.id, name: p.name, price: p.price, available: shownAvailable(p.available) }}
          offMenu={p.offMenu}
          csrf={csrf}
          inCart={inCart}
          locale={locale}
        />
      </div>
    </li>
  );
}
