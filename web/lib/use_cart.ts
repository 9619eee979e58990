/**
 * `useCart()`: the cart in an island. It renders the empty cart on the server and in the first
 * client render (so hydration matches), then shows the stored cart and follows every change.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { type CartState, cartStore, EMPTY_CART } from "./cart.ts";

/** The cart, and whether the stored cart has been read yet. */
export function useCart(): {
  cart: CartState;
  ready: boolean;
  update: (f: (c: CartState) => CartState) => CartState;
} {
  const [cart, setCart] = useState<CartState>(EMPTY_CART);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const store = cartStore();
    setCart(store.get());
    setReady(true);
    return store.subscribe(setCart);
  }, []);
  return { cart, ready, update: (f) => cartStore().update(f) };
}
