/**
 * The "Add to cart" button of one catalog item. Disabled until the page is interactive, when the
 * item is sold out, and when the cart already holds every unit that is left.
 *
 * @module
 */
import { addItem, availableOf, type CartItem } from "../lib/cart.ts";
import { useCart } from "../lib/use_cart.ts";

/** Props of {@linkcode AddToCart}. */
export interface AddToCartProps {
  /** The item as the catalog offers it. */
  item: CartItem;
}

/** Adds one unit of the item to the cart. */
export default function AddToCart({ item }: AddToCartProps) {
  const { cart, ready, update } = useCart();
  const line = cart.lines.find((l) => l.id === item.id);
  const inCart = line?.quantity ?? 0;
  // After a failed checkout the cart knows a fresher (lower) stock level than this page.
  const available = availableOf(cart, item);
  const soldOut = available <= 0;
  const maxed = inCart >= available;
  const noteId = `add-note-${item.id}`;
  return (
    <div class="add-to-cart">
      <button
        type="button"
        class="button primary"
        disabled={!ready || soldOut || maxed}
        aria-describedby={`product-name-${item.id} ${noteId}`}
        onClick={() => update((c) => addItem(c, { ...item, available }))}
      >
        Add to cart
      </button>
      <span class="add-note" id={noteId} aria-live="polite">
        {soldOut
          ? (item.available > 0 ? "Sold out just now" : "")
          : maxed
          ? `All ${inCart} in your cart`
          : inCart > 0
          ? `${inCart} in cart`
          : ""}
      </span>
    </div>
  );
}
