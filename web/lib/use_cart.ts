/**
 * `useCart(initial)`: the cart in an island. The first render shows `initial` (the view the server
 * rendered into the island's props, so hydration matches); after that the island follows the page's
 * shared {@linkcode cartStore}, which every enhanced cart form updates.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { cartStore, type CartView } from "./cart.ts";

/** The cart to show, starting from `initial` (null: this island has no view of its own yet). */
export function useCart(initial: CartView | null): CartView | null {
  const [cart, setCart] = useState<CartView | null>(initial);
  useEffect(() => {
    const store = cartStore();
    if (initial) store.seed(initial);
    const latest = store.get();
    if (latest && latest !== initial) setCart(latest);
    return store.subscribe(setCart);
  }, []);
  return cart;
}

/** True once the island runs in the browser (after hydration); false on the server and in the first render. */
export function useEnhanced(): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => setOn(true), []);
  return on;
}
