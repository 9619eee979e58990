/**
 * How many units of an item are left, in words: "Sold out", "3 left", "In stock", or "Not available
 * today" when staff took it off the menu (the words: `lib/stock_text.ts`).
 *
 * @module
 */
import { stockKind, stockText } from "../lib/stock_text.ts";

export { FEW_LEFT, OFF_MENU_TEXT, stockText } from "../lib/stock_text.ts";

/** The stock state of one item, styled by how much is left. */
export function StockState({ available, offMenu = false }: { available: number; offMenu?: boolean }) {
  return (
    <p class={`stock stock-${stockKind(available, offMenu)}`} data-testid="stock-state">
      {stockText(available, offMenu)}
    </p>
  );
}
