/**
 * Validation of the body of `POST /api/customers/{customerID}/orders`, without any I/O.
 *
 * Three shapes are accepted, so the seed's clients keep working:
 *
 * - `{"items": [{"id": "1", "quantity": 2}, ...]}` (the documented shape),
 * - `[{"ID": "1", "Quantity": 2}, ...]` (the seed's JSON array),
 * - `{"ID": "1", "Quantity": 2}` (a single line).
 *
 * An object body may also carry `details` (who orders and when):
 * `{"name", "phone", "email", "note", "pickupAt"}`, checked by the services' one validator
 * (`services/common/order_details.ts`); API clients may leave them out, and a field it does not know
 * (say `pickup_at`) is refused rather than ignored, so a typo never turns a pickup time into "as soon
 * as possible".
 *
 * Keys of a line match case-insensitively, as Go's `encoding/json` did in the seed. An id given as a
 * JSON number means its decimal string (`1` -> `"1"`); fractions, negatives and unsafe integers are
 * rejected. Every rejection names the field in the documented shape, e.g. `items[0].quantity`, so
 * clients see the same names whichever shape they sent (and the same names the services use).
 *
 * @module
 */

import type { OrderDetails } from "../../services/common/gen/oms/types/v1/types.ts";
import { type DetailsInput, validateOrderDetails } from "../../services/common/order_details.ts";

/** Most lines one order may have. */
export const MAX_LINES = 50;
/** Largest quantity of one line. */
export const MAX_QUANTITY = 1000;
/** Longest item id. */
export const MAX_ITEM_ID_LENGTH = 64;

/** One requested line, ready for `Orders.CreateOrder`. */
export interface OrderLine {
  /** Catalog item id. */
  itemId: string;
  /** Units, 1..{@linkcode MAX_QUANTITY}. */
  quantity: number;
}

/** The fields `details` may have, as the JSON API names them. */
export const DETAIL_FIELDS: readonly (keyof DetailsInput)[] = ["name", "phone", "email", "note", "pickupAt"];

/** Outcome of {@linkcode parseOrderBody}. */
export type ParseResult =
  | { ok: true; items: OrderLine[]; details: OrderDetails | undefined }
  | { ok: false; field: string; message: string };

type LinesResult = { ok: true; items: OrderLine[] } | Fail;

type Fail = { ok: false; field: string; message: string };

function fail(field: string, message: string): Fail {
  return { ok: false, field, message };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A JSON type name for messages: "a string", "an array", "null"... */
export function describeJson(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof v;
  }
}

/** The value of the key of `obj` that equals `name` ignoring case; an error when two keys do. */
function lookup(
  obj: Record<string, unknown>,
  name: string,
  field: string,
): { found: boolean; value: unknown } | Fail {
  const keys = Object.keys(obj).filter((k) => k.toLowerCase() === name);
  if (keys.length > 1) {
    return fail(field, `Line has ${keys.map((k) => `"${k}"`).join(" and ")}; give ${name} once`);
  }
  const key = keys[0];
  return key === undefined ? { found: false, value: undefined } : { found: true, value: obj[key] };
}

function parseId(value: unknown, field: string): { ok: true; id: string } | Fail {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || !Number.isInteger(value)) {
      return fail(field, `Item id must be a whole number or a string, got ${value}`);
    }
    if (value < 0) return fail(field, `Item id must not be negative, got ${value}`);
    if (!Number.isSafeInteger(value)) {
      return fail(field, `Item id ${value} is too large to be exact; send it as a string`);
    }
    return { ok: true, id: String(value) };
  }
  if (typeof value !== "string") {
    return fail(field, `Item id must be a string or a whole number, got ${describeJson(value)}`);
  }
  if (value.trim() === "") return fail(field, "Item id must not be empty");
  if (value.length > MAX_ITEM_ID_LENGTH) {
    return fail(field, `Item id must be at most ${MAX_ITEM_ID_LENGTH} characters, got ${value.length}`);
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return fail(field, `Item id ${JSON.stringify(value)} contains control characters`);
  }
  return { ok: true, id: value };
}

function parseQuantity(value: unknown, field: string): { ok: true; quantity: number } | Fail {
  if (typeof value !== "number") {
    return fail(field, `Quantity must be a whole number, got ${describeJson(value)}`);
  }
  if (!Number.isFinite(value) || !Number.isInteger(value)) {
    return fail(field, `Quantity must be a whole number, got ${value}`);
  }
  if (value <= 0) return fail(field, `Quantity must be at least 1, got ${value}`);
  if (value > MAX_QUANTITY) return fail(field, `Quantity must be at most ${MAX_QUANTITY}, got ${value}`);
  return { ok: true, quantity: value };
}

function parseLine(line: unknown, index: number): { ok: true; line: OrderLine } | Fail {
  const base = `items[${index}]`;
  if (!isObject(line)) {
    return fail(base, `Each line must be an object with id and quantity, got ${describeJson(line)}`);
  }
  const id = lookup(line, "id", `${base}.id`);
  if ("ok" in id) return id;
  if (!id.found) return fail(`${base}.id`, `Line ${index} has no item id`);
  const parsedId = parseId(id.value, `${base}.id`);
  if (!parsedId.ok) return parsedId;
  const qty = lookup(line, "quantity", `${base}.quantity`);
  if ("ok" in qty) return qty;
  if (!qty.found) return fail(`${base}.quantity`, `Line ${index} has no quantity`);
  const parsedQty = parseQuantity(qty.value, `${base}.quantity`);
  if (!parsedQty.ok) return parsedQty;
  return { ok: true, line: { itemId: parsedId.id, quantity: parsedQty.quantity } };
}

function parseLines(lines: unknown[]): LinesResult {
  if (lines.length === 0) return fail("items", "Order must have at least one item");
  if (lines.length > MAX_LINES) {
    return fail("items", `Order may have at most ${MAX_LINES} lines, got ${lines.length}`);
  }
  const items: OrderLine[] = [];
  for (const [i, line] of lines.entries()) {
    const parsed = parseLine(line, i);
    if (!parsed.ok) return parsed;
    items.push(parsed.line);
  }
  return { ok: true, items };
}

function parseDetails(value: unknown, now: Date): { ok: true; details: OrderDetails | undefined } | Fail {
  if (value === undefined || value === null) return { ok: true, details: undefined };
  if (!isObject(value)) {
    return fail(
      "details",
      `Details must be an object with ${DETAIL_FIELDS.join(", ")}, got ${describeJson(value)}`,
    );
  }
  const known: readonly string[] = DETAIL_FIELDS;
  const unknown = Object.keys(value).find((k) => !known.includes(k));
  if (unknown !== undefined) {
    return fail(
      `details.${unknown}`,
      `Details have no field ${JSON.stringify(unknown)}; they take ${DETAIL_FIELDS.join(", ")}`,
    );
  }
  const checked = validateOrderDetails(value as DetailsInput, now);
  return checked.ok ? checked : fail(checked.field, checked.message);
}

function linesOf(body: unknown): LinesResult {
  if (Array.isArray(body)) return parseLines(body);
  if (!isObject(body)) {
    return fail("items", `Body must be an object with items or an array of lines, got ${describeJson(body)}`);
  }
  const items = lookup(body, "items", "items");
  if ("ok" in items) return items;
  if (items.found) {
    if (!Array.isArray(items.value)) {
      return fail("items", `Items must be an array, got ${describeJson(items.value)}`);
    }
    return parseLines(items.value);
  }
  const keys = Object.keys(body).map((k) => k.toLowerCase());
  if (keys.includes("id") || keys.includes("quantity")) return parseLines([body]);
  return fail("items", 'Body has no items; send {"items": [{"id": ..., "quantity": ...}]}');
}

/**
 * Validates a parsed JSON body as an order request. Returns the lines and the details (undefined
 * when none were given), or the first problem with the field it is about. `now` is the time a
 * `pickupAt` is checked against.
 */
export function parseOrderBody(body: unknown, now: Date = new Date()): ParseResult {
  const lines = linesOf(body);
  if (!lines.ok) return lines;
  let details: OrderDetails | undefined;
  if (isObject(body)) {
    const found = lookup(body, "details", "details");
    if ("ok" in found) return found;
    const parsed = parseDetails(found.value, now);
    if (!parsed.ok) return parsed;
    details = parsed.details;
  }
  return { ok: true, items: lines.items, details };
}
