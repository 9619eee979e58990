/**
 * How many units of an item are left, in words: "Sold out", "3 left", "In stock", or "Not available
 * today" when staff took it off the menu.
 *
 * @module
 */

/** Below this many units the exact number is shown. */
export const FEW_LEFT = 10;

/** What an item taken off the menu ("86") says. */
export const OFF_MENU_TEXT = "Not available today";

/** The stock state in words. */
export function stockText(available: number, offMenu = false): string {
  if (offMenu) return OFF_MENU_TEXT;
  if (available <= 0) return "Sold out";
  if (available <= FEW_LEFT) return `${available} left`;
  return "In stock";
}

/** The stock state of one item, styled by how much is left. */
export function StockState({ available, offMenu = false }: { available: number; offMenu?: boolean }) {
  const kind = offMenu || available <= 0 ? "out" : available <= FEW_LEFT ? "few" : "plenty";
  return <p class={`stock stock-${kind}`} data-testid="stock-state">{stockText(available, offMenu)}</p>;
}
