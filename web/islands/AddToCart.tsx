/**
 * The "Add to cart" form of one menu item: a plain `POST /cart/add` (with the customer's form token)
 * that works without JavaScript and returns to the item on the menu. Once the island runs it sends the
 * same form with `fetch` instead, and the cart panel and this button follow the answer without a
 * reload. The button is disabled only when the item is sold out or the cart already holds every unit
 * that is left, never while waiting for a script.
 *
 * @module
 */
import { useState } from "preact/hooks";
import { type CartItem, MAX_LINE_QUANTITY, quantityOf } from "../lib/cart.ts";
import { formFields, postCart } from "../lib/cart_client.ts";
import { useCart } from "../lib/use_cart.ts";

/** Props of {@linkcode AddToCart}. */
export interface AddToCartProps {
  /** The item as the catalog offers it. */
  item: CartItem;
  /** The customer's form token (`ctx.state.csrf`). */
  csrf?: string;
  /** Units of the item already in the cart when the page was made. */
  inCart?: number;
}

/** Adds one unit of the item to the cart. */
export default function AddToCart({ item, csrf = "", inCart: initial = 0 }: AddToCartProps) {
  const cart = useCart(null);
  const [error, setError] = useState<string | null>(null);
  const line = cart?.lines.find((l) => l.id === item.id);
  const inCart = cart ? quantityOf(cart, item.id) : initial;
  // The cart's view is fresher than the page once the island has added something.
  const available = Math.min(item.available, line?.available ?? item.available);
  const soldOut = available <= 0;
  const maxed = inCart >= Math.min(available, MAX_LINE_QUANTITY);
  const noteId = `add-note-${item.id}`;

  async function add(e: Event) {
    e.preventDefault();
    setError(null);
    const res = await postCart("/cart/add", formFields(e.currentTarget as HTMLFormElement));
    if (!res.ok) setError(res.message);
  }

  return (
    <form method="post" action="/cart/add" class="add-to-cart" onSubmit={add}>
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
      <span class={`add-note${error ? " add-error" : ""}`} id={noteId} aria-live="polite">
        {error
          ? error
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
