/**
 * Menu search, shared by the server (`/?q=...` without JavaScript) and the `MenuSearch` island (as you
 * type), so both agree on what matches. No dependencies: it is bundled into the island.
 *
 * A query matches an item when every word of it is found in the item's search text (its name,
 * description, category and dietary tags), ignoring case and accents: `veg` finds vegetarian and
 * vegan dishes, `spicy pizza` the spicy pizzas, `formaggi` finds Quattro Formaggi.
 *
 * @module
 */

/** Longest query the menu considers (longer input is cut). */
export const MAX_QUERY_LENGTH = 80;

/** Lowercase, accents removed, runs of anything but letters and digits turned into one space. */
export function normalize(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The words of a query (normalized; empty for a blank query). */
export function queryWords(query: string): string[] {
  const q = normalize(query.slice(0, MAX_QUERY_LENGTH));
  return q === "" ? [] : q.split(" ");
}

/** What an item is found by: its name, description, category and tags, normalized. */
export function searchText(
  item: { name: string; description: string; category: string; tags: string[] },
): string {
  return normalize([item.name, item.description, item.category, ...item.tags].join(" "));
}

/** True when every word of `query` occurs in `text` (a {@linkcode searchText}); a blank query matches all. */
export function matches(text: string, query: string): boolean {
  const words = queryWords(query);
  return words.every((w) => text.includes(w));
}

/** What the live count says: "" without a query, else how many items match it. */
export function countText(shown: number, query: string): string {
  const q = query.trim().slice(0, MAX_QUERY_LENGTH);
  if (queryWords(q).length === 0) return "";
  if (shown === 0) return `No items match “${q}”.`;
  return `${shown} ${shown === 1 ? "item matches" : "items match"} “${q}”.`;
}
