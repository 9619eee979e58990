/**
 * An item's stock state in words ("Sold out", "3 left", "In stock", "Not available today"), shared by
 * the server-rendered menu and the islands that keep it live (no JSX here, so islands stay small).
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

/** The state's style: `out`, `few` or `plenty`. */
export function stockKind(available: number, offMenu = false): "out" | "few" | "plenty" {
  return offMenu || available <= 0 ? "out" : available <= FEW_LEFT ? "few" : "plenty";
}
