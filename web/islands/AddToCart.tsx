/**
 * The "Add to cart" form of one menu item: a plain `POST /cart/add` (with the customer's form token)
 * that works without JavaScript and returns to the item on the menu. Once the island runs it sends the
 * same form with `fetch` instead, and the cart panel and this button follow the answer without a
 * reload. The button is disabled only when the item is sold out, off the menu ("Not available today"),
 * or the cart already holds every unit that is left, never while waiting for a script.
 *
 * It also follows the live menu (`lib/menu_live.ts`): when staff take the item off the menu, bring it
 * back, or change its name, price or stock, the button and the item's card follow within a second,
 * without a reload (`lib/menu_card_patch.ts`).
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { OFF_MENU_TEXT } from "../lib/stock_text.ts";
import { type CartItem, MAX_LINE_QUANTITY, quantityOf } from "../lib/cart.ts";
import { formFields, postCart } from "../lib/cart_client.ts";
import { patchMenuCard } from "../lib/menu_card_patch.ts";
import { useLiveItem } from "../lib/menu_live.ts";
import { useCart } from "../lib/use_cart.ts";

/** Props of {@linkcode AddToCart}. */
export interface AddToCartProps {
  /** The item as the catalog offers it. */
  item: CartItem;
  /** True when staff took it off the menu. */
  offMenu?: boolean;
  /** The customer's form token (`ctx.state.csrf`). */
  csrf?: string;
  /** Units of the item already in the cart when the page was made. */
  inCart?: number;
  /** The shop's locale, for prices updated live. */
  locale?: string;
}

/** Adds one unit of the item to the cart. */
export default function AddToCart(
  { item, offMenu: initialOff = false, csrf = "", inCart: initial = 0, locale = "en-GB" }: AddToCartProps,
) {
  const cart = useCart(null);
  const live = useLiveItem(item.id);
  const form = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<string | null>(null);
  const line = cart?.lines.find((l) => l.id === item.id);
  const inCart = cart ? quantityOf(cart, item.id) : initial;
  const offMenu = live ? live.offMenu : initialOff;
  const listed = live ? live.available : item.available;
  // The cart's view is fresher than the page once the island has added something.
  const available = offMenu ? 0 : Math.min(listed, line?.available ?? listed);
  const soldOut = available <= 0;
  const maxed = inCart >= Math.min(available, MAX_LINE_QUANTITY);
  const noteId = `add-note-${item.id}`;

  useEffect(() => {
    const card = form.current?.closest("[data-item-id]");
    if (live && card) patchMenuCard(card, live, locale);
  }, [live]);

  async function add(e: Event) {
    e.preventDefault();
    setError(null);
    const res = await postCart("/cart/add", formFields(e.currentTarget as HTMLFormElement));
    if (!res.ok) setError(res.message);
  }

  return (
    <form method="post" action="/cart/add" class="add-to-cart" onSubmit={add} ref={form}>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="id" value={item.id} />
      <button
        type="submit"
        class="button primary"
        disabled={soldOut || maxed}
        aria-describedby={`product-name-${item.id} ${noteId}`}
      >
        Add to cart
      </button>
      <span
        class={`add-note${error ? " add-error" : ""}`}
        id={noteId}
        aria-live="polite"
        data-testid="add-note"
      >
        {error
          ? error
          : offMenu
          ? OFF_MENU_TEXT
          : soldOut
          ? (item.available > 0 ? "Sold out just now" : "")
          : maxed
          ? `All ${inCart} in your cart`
          : inCart > 0
          ? `${inCart} in cart`
          : ""}
      </span>
    </form>
  );
}
