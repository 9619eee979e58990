/**
 * The stored cart joined with the catalog, as pages and islands show it ({@linkcode CartView}). Items
 * the catalog no longer has are left out.
 *
 * @module
 */
import type { CartView } from "../lib/cart.ts";
import type { Money } from "../lib/money.ts";
import { checkoutKey, type StoredCart } from "./cart.ts";

/** What the view needs of a catalog item (`ProductJson` fits). */
export interface CatalogItem {
  /** Item id. */
  id: string;
  /** Name. */
  name: string;
  /** Unit price. */
  price: Money;
  /** Units that can still be ordered. */
  available: number;
}

/** `cart` as shown, with names, prices and stock from `catalog`. */
export function cartView(cart: StoredCart, catalog: readonly CatalogItem[]): CartView {
  const byId = new Map(catalog.map((i) => [i.id, i]));
  const lines = cart.lines.flatMap((l) => {
    const item = byId.get(l.id);
    return item
      ? [{
        id: l.id,
        name: item.name,
        unitPrice: item.price,
        quantity: l.quantity,
        available: item.available,
      }]
      : [];
  });
  return { lines, key: lines.length > 0 ? checkoutKey(cart) : "" };
}
