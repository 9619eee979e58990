/**
 * Bringing a server-rendered menu card (`components/menu/MenuCard.tsx`) up to date with an item staff
 * changed, in place (no reload): its name, description, price, stock state and the "sold out" look.
 * Called by the card's "Add to cart" island when the live menu pushes its item.
 *
 * @module
 */
import { FEW_LEFT, stockText } from "../components/StockState.tsx";
import type { LiveItem } from "./menu_live.ts";
import { formatMoney } from "./money.ts";

function setText(card: Element, selector: string, text: string): void {
  const el = card.querySelector(selector);
  if (el && el.textContent !== text) el.textContent = text;
}

/** Updates `card` (the item's `<li>`) to show `item`, prices in `locale`. */
export function patchMenuCard(card: Element, item: LiveItem, locale: string): void {
  setText(card, ".product-name", item.name);
  setText(card, ".product-desc", item.description);
  setText(card, ".price", formatMoney(item.price, locale));
  const state = card.querySelector("[data-testid=stock-state]");
  if (state) {
    state.textContent = stockText(item.available, item.offMenu);
    const kind = item.available <= 0 ? "out" : item.available <= FEW_LEFT ? "few" : "plenty";
    state.className = `stock stock-${kind}`;
  }
  card.classList.toggle("sold-out", item.available <= 0);
  if (item.offMenu) card.setAttribute("data-off-menu", "true");
  else card.removeAttribute("data-off-menu");
}
