/**
 * The admin's item edit form: reading it into the changes for `Stock.UpdateItem`, each field checked
 * here first with a message staff understand (stock checks the same rules again and has the last
 * word: its `invalid_argument` names the field, shown next to it the same way).
 *
 * Prices are typed as the shop writes them (`8.50`, `8,50`, `12`) and sent in cents.
 *
 * @module
 */
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { ItemChanges } from "../gateway/stock.ts";

/** The fields of the form, in order. */
export const ITEM_FIELDS = ["name", "description", "price", "category", "station"] as const;

/** A field of the form. */
export type ItemField = typeof ITEM_FIELDS[number] | "photo";

/** What the form shows: the values typed (or the item's) and the errors by field. */
export interface ItemFormValues {
  name: string;
  description: string;
  /** As typed, e.g. `8.50`. */
  price: string;
  category: string;
  station: string;
}

/** Errors by field. */
export type ItemFormErrors = Partial<Record<ItemField, string>>;

/** Most characters of each text field (stock's limits). */
export const LIMITS = { name: 80, description: 500, category: 40, station: 24 } as const;

/** A station: a short slug (stock's rule). */
const STATION = /^[a-z0-9][a-z0-9_-]{0,23}$/;

/** `850` cents as the form shows it: `8.50`. */
export function priceText(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** The form's values for `item` as it is. */
export function valuesOf(item: Item): ItemFormValues {
  return {
    name: item.name,
    description: item.description,
    price: priceText(item.price?.amount ?? 0),
    category: item.category,
    station: item.station ?? "",
  };
}

/** Reads the form's fields (absent ones as ""). */
export function readItemForm(form: URLSearchParams): ItemFormValues {
  const get = (k: string) => form.get(k) ?? "";
  return {
    name: get("name"),
    description: get("description"),
    price: get("price"),
    category: get("category"),
    station: get("station"),
  };
}

/** Parses a price typed by staff (`8.50`, `8,50`, `12`) into cents; a message when it is not one. */
export function parsePrice(text: string): number | string {
  const v = text.trim().replace(/^€\s*/, "");
  if (v === "") return "Enter a price, e.g. 8.50.";
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(v);
  if (!m) return `Price must be an amount like 8.50, got "${v.slice(0, 20)}".`;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
  if (cents <= 0) return "Price must be above zero.";
  return cents;
}

function tooLong(label: string, value: string, max: number): string | null {
  const n = [...value].length;
  return n > max ? `${label} must be at most ${max} characters (it has ${n}).` : null;
}

/** The outcome of {@linkcode checkItemForm}. */
export type ItemFormCheck = { ok: true; changes: ItemChanges } | { ok: false; errors: ItemFormErrors };

/** Checks the form for `item` (whose currency prices are in); the changes, or the errors by field. */
export function checkItemForm(values: ItemFormValues, item: Item): ItemFormCheck {
  const errors: ItemFormErrors = {};
  const name = values.name.trim();
  if (name === "") errors.name = "Enter the item's name.";
  else {
    const e = tooLong("Name", name, LIMITS.name);
    if (e) errors.name = e;
  }
  const description = values.description.trim();
  const d = tooLong("Description", description, LIMITS.description);
  if (d) errors.description = d;
  const price = parsePrice(values.price);
  if (typeof price === "string") errors.price = price;
  const category = values.category.trim();
  const c = tooLong("Category", category, LIMITS.category);
  if (c) errors.category = c;
  const station = values.station.trim().toLowerCase();
  if (station !== "" && !STATION.test(station)) {
    errors.station =
      `Station must be a short name like "oven" or "cold-bar" (lowercase letters, digits, "-", "_"; at most ${LIMITS.station}).`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    changes: {
      name,
      description,
      price: { amount: price as number, currency: item.price?.currency ?? "EUR" },
      category,
      station,
    },
  };
}

/** The form field a service error's `field` names (`price.amount` -> `price`), or null. */
export function itemFieldOf(field: string | undefined): ItemField | null {
  const f = (field ?? "").split(/[.[]/)[0]!;
  if (f === "image") return "photo";
  return (ITEM_FIELDS as readonly string[]).includes(f) ? f as ItemField : null;
}
