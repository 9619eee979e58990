/**
 * A catalog item and its stock counts, and the restock rule.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";

/** A catalog item as stored: price snapshot source and the three stock counts. */
export interface StockItem {
  /** Decimal id, e.g. `"1"`. */
  id: string;
  /** Display name. */
  name: string;
  /** One-line description. */
  description: string;
  /** Price in minor units of `currency`. */
  price: number;
  /** ISO 4217 currency code. */
  currency: string;
  /** Units free to reserve. */
  available: number;
  /** Units held by reservations of unpaid orders. */
  reserved: number;
  /** Units sold to paid orders. */
  sold: number;
  /** Menu section, e.g. "Pizzas" (absent on items stored before menus had sections: "" then). */
  category?: string;
  /** Dietary tags, e.g. "vegetarian". */
  tags?: string[];
  /** Allergens the item contains (EU names, lowercase). */
  allergens?: string[];
  /** Web path of the item's picture, e.g. "/menu/margherita.svg". */
  image?: string;
  /** Place on the menu, ascending (ties by name). */
  position?: number;
  /** The kitchen station that prepares it (absent: none). */
  station?: string;
  /** True while staff have taken it off the menu ("86"): never reserved, whatever its stock. */
  offMenu?: boolean;
  /** The staff member who last changed it (absent: nobody since it was seeded). */
  updatedBy?: string;
  /** ISO time staff last changed it. */
  updatedAt?: string;
}

/** The largest count an item can hold (the proto fields are int32). */
export const MAX_COUNT = 2_147_483_647;

/** The largest quantity one restock can add. */
export const MAX_RESTOCK = 1_000_000;

/**
 * Checks a restock quantity: an integer from 1 to {@linkcode MAX_RESTOCK}.
 * Throws an `invalid_argument` {@linkcode DomainError} naming the value otherwise.
 */
export function validateRestockQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_RESTOCK) {
    throw new DomainError(
      "invalid_argument",
      `Restock quantity must be an integer from 1 to ${MAX_RESTOCK}, got ${quantity}`,
      { field: "quantity" },
    );
  }
}

/** Returns `item` with `quantity` more units available; throws when the count would overflow. */
export function restock(item: StockItem, quantity: number): StockItem {
  validateRestockQuantity(quantity);
  if (item.available + item.reserved + item.sold + quantity > MAX_COUNT) {
    throw new DomainError(
      "invalid_argument",
      `Restocking ${quantity} units of "${item.id}" would exceed ${MAX_COUNT} units`,
      { field: "quantity" },
    );
  }
  return { ...item, available: item.available + quantity };
}

/** Orders items as the menu lists them: by position (absent: 0), then by name, then by id. */
export function compareMenuOrder(a: StockItem, b: StockItem): number {
  return (a.position ?? 0) - (b.position ?? 0) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    compareItemIds(a.id, b.id);
}

/** Orders item ids numerically when both are decimal, else as strings ("2" before "10"). */
export function compareItemIds(a: string, b: string): number {
  const decimal = /^\d+$/;
  if (decimal.test(a) && decimal.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
