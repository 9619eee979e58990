/**
 * The menu as customers read it: items grouped into categories (a section each, in the catalog's
 * position order), dietary tags and allergens in words, and where each item's picture is served.
 * Pure functions, used by the menu page and its components.
 *
 * @module
 */
import type { ProductJson } from "../../api/order_json.ts";
import { asset } from "../../framework/static.ts";
import { MAX_LINE_QUANTITY } from "../../lib/cart.ts";
import { matches, searchText } from "./search.ts";

/** A catalog item as the menu shows it: the JSON API's product (with category, tags, allergens, image and position). */
export type MenuProduct = ProductJson;

/**
 * The units of an item the menu page passes to its "Add to cart" island: what is available, but never
 * more than a cart line may hold ({@linkcode MAX_LINE_QUANTITY}), which is all the island does with it
 * (sold out at 0, "Max" at the line's limit). The words under the price tell only a few left
 * (`FEW_LEFT` or fewer, `lib/stock_text.ts`) apart from "In stock". So the page is the same for every level above
 * the line limit: while an item has plenty, an order does not change the menu's HTML.
 */
export function shownAvailable(available: number): number {
  return Math.min(available, MAX_LINE_QUANTITY);
}

/**
 * A key equal for two product lists exactly when the menu page renders them alike: the products with
 * their {@linkcode shownAvailable} units (the words under the price and the sold-out mark follow from
 * it, as `FEW_LEFT` is below the line limit). The storefront keeps a new visitor's menu per key.
 */
export function menuSignature(products: readonly MenuProduct[]): string {
  return JSON.stringify(products.map((p) => ({ ...p, available: shownAvailable(p.available) })));
}

/** One category of the menu with its items, in order. */
export interface MenuSection {
  /** Element id of the section, the category bar's anchor (e.g. `pizzas` for `#pizzas`). */
  id: string;
  /** Heading, the category's name. */
  title: string;
  /** Its items, by position then name. */
  items: MenuProduct[];
}

/** The heading of items without a category (shown last). */
export const OTHER_CATEGORY = "More";

/** Ids the page already uses, which a category anchor must not take. */
const RESERVED_IDS = new Set(["main", "cart", "cart-title", "menu-title", "menu-q"]);

/** `Quattro Formaggi` -> `quattro-formaggi`: lowercase, anything but a-z and 0-9 turned into `-`. */
export function slug(text: string): string {
  return text.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "").replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function byPosition(a: MenuProduct, b: MenuProduct): number {
  return a.position - b.position || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/**
 * Groups `products` into sections: categories ordered by their first item's position, items by
 * position then name; items without a category last, under {@linkcode OTHER_CATEGORY}.
 */
export function menuSections(products: readonly MenuProduct[]): MenuSection[] {
  const groups = new Map<string, MenuProduct[]>();
  for (const p of [...products].sort(byPosition)) {
    const key = p.category.trim();
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  const named = [...groups].filter(([k]) => k !== "");
  const other = groups.get("");
  const ordered: [string, MenuProduct[]][] = other ? [...named, [OTHER_CATEGORY, other]] : named;
  const used = new Set(RESERVED_IDS);
  return ordered.map(([title, items]) => {
    const base = slug(title) || "category";
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return { id, title, items };
  });
}

/** The search text of an item (see `search.ts`). */
export function itemSearchText(p: MenuProduct): string {
  return searchText(p);
}

/** True when `p` matches the search `query` (a blank query matches every item). */
export function itemMatches(p: MenuProduct, query: string): boolean {
  return matches(itemSearchText(p), query);
}

/** Labels of the dietary tags the menu knows, in the order badges are shown. */
export const TAG_LABELS: Readonly<Record<string, string>> = {
  vegan: "Vegan",
  vegetarian: "Vegetarian",
  gluten_free: "Gluten-free",
  spicy: "Spicy",
};

/** An item's tags as badges: known tags in {@linkcode TAG_LABELS} order, then unknown ones as written. */
export function tagBadges(tags: readonly string[]): { tag: string; label: string }[] {
  const known = Object.keys(TAG_LABELS).filter((t) => tags.includes(t));
  const unknown = tags.filter((t) => !(t in TAG_LABELS) && t.trim() !== "");
  return [
    ...known.map((tag) => ({ tag, label: TAG_LABELS[tag]! })),
    ...unknown.map((tag) => ({ tag, label: tag.replace(/_/g, " ") })),
  ];
}

/** `["gluten", "milk"]` -> `Contains: gluten, milk`; "" when there are none. */
export function allergensText(allergens: readonly string[]): string {
  const list = allergens.map((a) => a.trim()).filter(Boolean);
  return list.length === 0 ? "" : `Contains: ${list.join(", ")}`;
}

/** The width uploaded photos are served at on the menu (a 320 px card on a 2x screen). */
export const PHOTO_CARD_WIDTH = 640;

/** The picture shown when an item has none. */
export const PLACEHOLDER_IMAGE = "/_static/menu-placeholder.svg";

/**
 * The URL of an item's picture: the demo menu's drawings (`/menu/<slug>.svg`, files in
 * `web/static/menu/`) by their content-hashed name; an uploaded photo (`/media/items/<id>/<sha256>`)
 * at {@linkcode PHOTO_CARD_WIDTH} pixels; any other same-site path as it is; the placeholder when
 * there is none or it is not a path on this site.
 */
export function imageSrc(image: string): string {
  if (/^\/menu\/[a-z0-9-]+\.svg$/.test(image)) return asset(`/_static${image}`);
  // uploaded photos (`web/media/`): the width that fills a card on a 2x screen
  if (/^\/media\/items\/[A-Za-z0-9_-]+\/[0-9a-f]{64}$/.test(image)) return `${image}?w=${PHOTO_CARD_WIDTH}`;
  if (image.startsWith("/") && !image.startsWith("//")) return image;
  return asset(PLACEHOLDER_IMAGE);
}

/** Width and height of every menu picture (4:3), set on the `<img>` so nothing moves as it loads. */
export const IMAGE_SIZE = { width: 320, height: 240 } as const;
