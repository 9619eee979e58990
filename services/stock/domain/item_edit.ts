/**
 * Staff's changes to a catalog item: its menu fields (name, description, price, category, station,
 * picture) and taking it off the menu ("86") or bringing it back. Pure rules: each change returns the
 * new item with who changed it and when; a bad value throws an `invalid_argument`
 * {@linkcode DomainError} naming the field and why, and nothing is changed.
 *
 * A price change only changes what later reservations snapshot: a reservation keeps the unit prices
 * it was made with (`reservation.ts`), so no order already placed is touched.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { StockItem } from "./item.ts";

/** Longest item name, in characters. */
export const MAX_NAME = 80;
/** Longest description, in characters. */
export const MAX_DESCRIPTION = 500;
/** Longest category, in characters. */
export const MAX_CATEGORY = 40;
/** Highest price, in minor units (100 000.00). */
export const MAX_PRICE = 10_000_000;
/** A station: a short slug such as `oven`, `cold`, `bar`. */
export const STATION = /^[a-z0-9][a-z0-9_-]{0,23}$/;
/** Pictures web serves: the demo drawings and uploaded photos. */
export const IMAGE_PATH =
  /^(\/menu\/[a-z0-9-]{1,80}\.svg|\/media\/items\/[A-Za-z0-9_-]{1,64}\/[0-9a-f]{64})$/;

/** The fields staff may change; each absent one stays as it is. */
export interface ItemEdit {
  /** 1 to {@linkcode MAX_NAME} characters (trimmed). */
  name?: string;
  /** At most {@linkcode MAX_DESCRIPTION} characters (trimmed). */
  description?: string;
  /** Above zero, in minor units of `currency`. */
  price?: { amount: number; currency: string };
  /** At most {@linkcode MAX_CATEGORY} characters (trimmed); "" for none. */
  category?: string;
  /** A {@linkcode STATION} slug, or "" for none. */
  station?: string;
  /** An {@linkcode IMAGE_PATH}, or "" for none. */
  image?: string;
}

/** Who changed an item, and when. */
export interface ChangedBy {
  /** The staff member (the verified staff claim's subject). */
  staff: string;
  /** When. */
  at: Date;
}

function invalid(field: string, message: string): never {
  throw new DomainError("invalid_argument", message, { field });
}

function hasControl(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

function text(field: string, label: string, value: string, min: number, max: number): string {
  const v = value.trim();
  if (v.length < min) invalid(field, `${label} must not be empty`);
  if ([...v].length > max) invalid(field, `${label} must be at most ${max} characters, got ${[...v].length}`);
  if (hasControl(v)) invalid(field, `${label} must not contain control characters`);
  return v;
}

/**
 * Checks `edit` against `item` (whose currency every price must be in) and returns the checked,
 * trimmed values. Throws `invalid_argument` naming the first bad field.
 */
export function validateItemEdit(item: StockItem, edit: ItemEdit): ItemEdit {
  const out: ItemEdit = {};
  if (edit.name !== undefined) out.name = text("name", "Name", edit.name, 1, MAX_NAME);
  if (edit.description !== undefined) {
    out.description = text("description", "Description", edit.description, 0, MAX_DESCRIPTION);
  }
  if (edit.price !== undefined) {
    const { amount, currency } = edit.price;
    if (currency !== item.currency) {
      invalid(
        "price",
        `Price must be in ${item.currency}, the shop's currency, got "${currency.slice(0, 8)}"`,
      );
    }
    if (!Number.isInteger(amount) || amount <= 0 || amount > MAX_PRICE) {
      invalid("price", `Price must be a whole number of cents from 1 to ${MAX_PRICE}, got ${amount}`);
    }
    out.price = { amount, currency };
  }
  if (edit.category !== undefined) {
    out.category = text("category", "Category", edit.category, 0, MAX_CATEGORY);
  }
  if (edit.station !== undefined) {
    const s = edit.station.trim();
    if (s !== "" && !STATION.test(s)) {
      invalid(
        "station",
        `Station must be a short name of lowercase letters, digits, "-" or "_" (at most 24), got "${
          s.slice(0, 30)
        }"`,
      );
    }
    out.station = s;
  }
  if (edit.image !== undefined) {
    const i = edit.image.trim();
    if (i !== "" && !IMAGE_PATH.test(i)) {
      invalid(
        "image",
        `Image must be a picture this shop serves (/menu/… or /media/items/…), got "${i.slice(0, 80)}"`,
      );
    }
    out.image = i;
  }
  return out;
}

/** `item` with `edit` applied (validated first, see {@linkcode validateItemEdit}), recording who and when. */
export function editItem(item: StockItem, edit: ItemEdit, by: ChangedBy): StockItem {
  const v = validateItemEdit(item, edit);
  const next: StockItem = { ...item, updatedBy: by.staff, updatedAt: by.at.toISOString() };
  if (v.name !== undefined) next.name = v.name;
  if (v.description !== undefined) next.description = v.description;
  if (v.price !== undefined) next.price = v.price.amount;
  if (v.category !== undefined) next.category = v.category;
  if (v.station !== undefined) next.station = v.station;
  if (v.image !== undefined) next.image = v.image;
  return next;
}

/** `item` taken off the menu (`offMenu` true) or back on it, recording who and when. */
export function setOffMenu(item: StockItem, offMenu: boolean, by: ChangedBy): StockItem {
  return { ...item, offMenu, updatedBy: by.staff, updatedAt: by.at.toISOString() };
}

/** True when `item` may be reserved as far as the menu goes (not 86'd). */
export function isOnMenu(item: StockItem): boolean {
  return item.offMenu !== true;
}
