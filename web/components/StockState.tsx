/**
 * How many units of an item are left, in words: "Sold out", "3 left", "In stock".
 *
 * @module
 */

/** Below this many units the exact number is shown. */
export const FEW_LEFT = 10;

/** The stock state in words. */
export function stockText(available: number): string {
  if (available <= 0) return "Sold out";
  if (available <= FEW_LEFT) return `${available} left`;
  return "In stock";
}

/** The stock state of one item, styled by how much is left. */
export function StockState({ available }: { available: number }) {
  const kind = available <= 0 ? "out" : available <= FEW_LEFT ? "few" : "plenty";
  return <p class={`stock stock-${kind}`} data-testid="stock-state">{stockText(available)}</p>;
}
