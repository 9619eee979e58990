/**
 * Bringing a server-rendered menu card (`components/menu/MenuCard.tsx`) up to date with an item staff
 * changed, in place (no reload): its name, description, price, stock state, the "sold out" look and
 * the text the menu search matches.
 * Called by the card's "Add to cart" island when the live menu pushes its item.
 *
 * @module
 */
import type { LiveItem } from "./menu_live.ts";
import { formatMoney } from "./money.ts";
import { stockKind, stockText } from "./stock_text.ts";
import { searchText } from "../components/menu/search.ts";

/** Updates `card` (the item's `<li>`) to show `item`, prices in `locale`. */
export function patchMenuCard(card: Element, item: LiveItem, locale: string): void {
  const set = (selector: string, text: string, cls?: string) => {
    const el = card.querySelector(selector);
    if (!el) return;
    el.textContent = text;
    if (cls) el.className = cls;
  };
  set(".product-name", item.name);
  set(".product-desc", item.description);
  set(".price", formatMoney(item.price, locale));
  set(
    "[data-testid=stock-state]",
    stockText(item.available, item.offMenu),
    `stock stock-${stockKind(item.available, item.offMenu)}`,
  );
  card.classList.toggle("sold-out", item.available <= 0);
  // the menu search (MenuSearch) finds it by what it is called now
  card.setAttribute("data-search", searchText(item));
  if (item.offMenu) card.setAttribute("data-off-menu", "true");
  else card.removeAttribute("data-off-menu");
}
