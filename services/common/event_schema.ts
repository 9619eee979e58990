/**
 * The limits every event payload must keep before any handler sees it: what each field of each routing
 * key may hold (kind and bounds). A body that breaks one can never succeed, so the consumer parks it at
 * once with a reason naming the field.
 *
 * Fields are read in their proto3 JSON form: camelCase, or the proto's snake_case name. Only `orderId`
 * is required (every OMS event is about one order); any other field may be absent (proto3 default), but
 * when present it must have its kind and stay within its bounds. Unknown fields are ignored (a newer
 * producer may add some); the body size limit bounds them.
 *
 * @module
 */

/** The largest body a consumer reads; a larger one is parked without parsing. */
export const MAX_EVENT_BODY_BYTES = 64 * 1024;
/** The longest id (order, customer, item, session, provider event, refund). */
export const MAX_ID_LENGTH = 128;
/** The most lines an event's `items` may have. */
export const MAX_EVENT_ITEMS = 100;
/** The longest kitchen station name of a line. */
export const MAX_STATION_LENGTH = 64;
/** The largest quantity of one line. */
export const MAX_EVENT_QUANTITY = 100_000;

/** The kinds of field an event carries. */
export type FieldKind =
  | "id"
  | "name"
  | "reason"
  | "provider"
  | "url"
  | "timestamp"
  | "money"
  | "items"
  | "number"
  | "details"
  | "ticketStatus";

/** The fields of each routing key's payload and their kinds (`orderId` is always required). */
export const EVENT_FIELDS: Record<string, Record<string, FieldKind>> = {
  "order.created": {
    orderId: "id",
    customerId: "id",
    items: "items",
    total: "money",
    createdAt: "timestamp",
    number: "number",
    details: "details",
  },
  "order.paid": {
    orderId: "id",
    customerId: "id",
    items: "items",
    paidAt: "timestamp",
    number: "number",
    details: "details",
  },
  "order.cancelled": { orderId: "id", reason: "reason", cancelledAt: "timestamp" },
  "order.completed": { orderId: "id", completedAt: "timestamp" },
  "order.refunded": { orderId: "id", refundedAt: "timestamp" },
  "payment.link_created": {
    orderId: "id",
    provider: "provider",
    sessionId: "id",
    url: "url",
    expiresAt: "timestamp",
  },
  "payment.succeeded": {
    orderId: "id",
    sessionId: "id",
    providerEventId: "id",
    amount: "money",
    paidAt: "timestamp",
  },
  "payment.failed": { orderId: "id", sessionId: "id", providerEventId: "id", reason: "reason" },
  "payment.expired": { orderId: "id", sessionId: "id", providerEventId: "id" },
  "payment.refunded": { orderId: "id", refundId: "id", amount: "money" },
  "kitchen.ticket_started": { orderId: "id", startedAt: "timestamp", by: "name" },
  "kitchen.ticket_ready": { orderId: "id", readyAt: "timestamp", by: "name" },
  "kitchen.ticket_reopened": { orderId: "id", reopenedAt: "timestamp", status: "ticketStatus", by: "name" },
};

const TEXT_LIMITS: Record<"name" | "reason" | "provider" | "url", number> = {
  name: 200,
  reason: 1000,
  provider: 64,
  url: 2048,
};
// C0/C1 controls never belong in an id
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CURRENCY = /^[A-Za-z]{3}$/;
const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
/** The largest order number an event may carry. */
export const MAX_ORDER_NUMBER = 999_999_999_999;
/**
 * Bounds of an order's details in an event (UTF-16 units; orders' own validator is stricter, in
 * characters). OMS sends phone and email empty in events; the bounds hold for any producer.
 */
export const DETAILS_LIMITS = { name: 200, phone: 64, email: 254, note: 2000 } as const;

/** Why a payload breaks its schema: the field at fault (e.g. `items[2].quantity`) and what is wrong. */
export interface SchemaViolation {
  field: string;
  problem: string;
}

/**
 * Checks `payload` (a parsed JSON object) against the fields of `routingKey`; returns the first
 * violation, or undefined when it keeps every limit.
 */
export function checkEventFields(
  routingKey: string,
  payload: Record<string, unknown>,
): SchemaViolation | undefined {
  const fields = EVENT_FIELDS[routingKey];
  if (!fields) return { field: "", problem: `unknown routing key "${clip(routingKey)}"` };
  for (const { name, snake, kind } of fieldList(fields)) {
    const value = read(payload, name, snake);
    if (value === undefined || value === null) {
      if (name === "orderId") return { field: name, problem: "is required" };
      continue;
    }
    const problem = checkField(kind, value, name === "orderId");
    if (problem) return { field: problem.at ? `${name}${problem.at}` : name, problem: problem.text };
  }
  return undefined;
}

/** A field of a routing key's payload, with its snake_case name worked out once. */
interface FieldSpec {
  name: string;
  snake: string;
  kind: FieldKind;
}

const FIELD_LISTS = new WeakMap<Record<string, FieldKind>, FieldSpec[]>();

/** The fields of one routing key as a list (made once per fields table, not per event). */
function fieldList(fields: Record<string, FieldKind>): FieldSpec[] {
  let list = FIELD_LISTS.get(fields);
  if (!list) {
    list = Object.entries(fields).map(([name, kind]) => ({ name, snake: snakeCase(name), kind }));
    FIELD_LISTS.set(fields, list);
  }
  return list;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Reads field `name` in camelCase or snake_case (`snake`, worked out only when the camelCase one is
 * absent and it is not given; proto3 JSON accepts both).
 */
function read(obj: Record<string, unknown>, name: string, snake?: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const other = snake ?? snakeCase(name);
  return Object.hasOwn(obj, other) ? obj[other] : undefined;
}

interface Problem {
  /** A sub-path below the field, e.g. `[2].quantity`. */
  at?: string;
  text: string;
}

function checkField(kind: FieldKind, value: unknown, required: boolean): Problem | undefined {
  switch (kind) {
    case "id":
      return checkId(value, required);
    case "name":
    case "reason":
    case "provider":
    case "url":
      return checkText(value, TEXT_LIMITS[kind]);
    case "timestamp":
      return checkTimestamp(value);
    case "money":
      return checkMoney(value);
    case "items":
      return checkItems(value);
    case "number":
      return checkNumber(value);
    case "details":
      return checkDetails(value);
    case "ticketStatus":
      return value === "queued" || value === "preparing"
        ? undefined
        : { text: `must be "queued" or "preparing", got ${show(value)}` };
  }
}

function checkNumber(value: unknown): Problem | undefined {
  // int64 travels as a JSON number or a decimal string
  const n = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n > MAX_ORDER_NUMBER) {
    return { text: `must be an integer from 0 to ${MAX_ORDER_NUMBER}, got ${show(value)}` };
  }
  return undefined;
}

function checkDetails(value: unknown): Problem | undefined {
  if (!isObject(value)) return { text: `must be an object, got ${typeName(value)}` };
  for (const [name, max] of Object.entries(DETAILS_LIMITS)) {
    const text = value[name];
    if (text === undefined || text === null) continue;
    const p = checkText(text, max);
    if (p) return { at: `.${name}`, text: p.text };
  }
  const pickupAt = read(value, "pickupAt");
  if (pickupAt !== undefined && pickupAt !== null) {
    const p = checkTimestamp(pickupAt);
    if (p) return { at: ".pickupAt", text: p.text };
  }
  return undefined;
}

function checkId(value: unknown, required: boolean): Problem | undefined {
  if (typeof value !== "string") return { text: `must be a string, got ${typeName(value)}` };
  if (value === "") return required ? { text: "must not be empty" } : undefined;
  if (value.length > MAX_ID_LENGTH) {
    return { text: `must be at most ${MAX_ID_LENGTH} characters, got ${value.length}` };
  }
  if (CONTROL.test(value)) return { text: "must not contain control characters" };
  return undefined;
}

function checkText(value: unknown, max: number): Problem | undefined {
  if (typeof value !== "string") return { text: `must be a string, got ${typeName(value)}` };
  if (value.length > max) return { text: `must be at most ${max} characters, got ${value.length}` };
  return undefined;
}

function checkTimestamp(value: unknown): Problem | undefined {
  if (typeof value !== "string") return { text: `must be an RFC 3339 time string, got ${typeName(value)}` };
  if (value.length > 64 || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    return { text: `must be an RFC 3339 time, got "${clip(value)}"` };
  }
  return undefined;
}

function checkMoney(value: unknown): Problem | undefined {
  if (!isObject(value)) return { text: `must be an object {amount, currency}, got ${typeName(value)}` };
  const raw = value.amount;
  if (raw !== undefined && raw !== null) {
    // int64 travels as a JSON number or a decimal string
    const amount = typeof raw === "string" && /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw;
    if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 0 || amount > MAX_AMOUNT) {
      return { at: ".amount", text: `must be a non-negative integer of minor units, got ${show(raw)}` };
    }
  }
  const currency = value.currency;
  if (currency !== undefined && currency !== null && currency !== "") {
    if (typeof currency !== "string" || !CURRENCY.test(currency)) {
      return { at: ".currency", text: `must be a 3-letter ISO 4217 code, got ${show(currency)}` };
    }
  }
  return undefined;
}

function checkItems(value: unknown): Problem | undefined {
  if (!Array.isArray(value)) return { text: `must be an array, got ${typeName(value)}` };
  if (value.length > MAX_EVENT_ITEMS) {
    return { text: `must have at most ${MAX_EVENT_ITEMS} lines, got ${value.length}` };
  }
  for (const [i, item] of value.entries()) {
    if (!isObject(item)) return { at: `[${i}]`, text: `must be an object, got ${typeName(item)}` };
    const id = read(item, "itemId");
    if (id === undefined || id === null || id === "") return { at: `[${i}].itemId`, text: "is required" };
    const idProblem = checkId(id, true);
    if (idProblem) return { at: `[${i}].itemId`, text: idProblem.text };
    const q = item.quantity;
    if (typeof q !== "number" || !Number.isInteger(q) || q < 1 || q > MAX_EVENT_QUANTITY) {
      return {
        at: `[${i}].quantity`,
        text: `must be an integer from 1 to ${MAX_EVENT_QUANTITY}, got ${show(q)}`,
      };
    }
    const name = item.name;
    if (name !== undefined && name !== null) {
      const p = checkText(name, TEXT_LIMITS.name);
      if (p) return { at: `[${i}].name`, text: p.text };
    }
    const station = item.station;
    if (station !== undefined && station !== null) {
      const p = checkText(station, MAX_STATION_LENGTH);
      if (p) return { at: `[${i}].station`, text: p.text };
    }
    const price = read(item, "unitPrice");
    if (price !== undefined && price !== null) {
      const p = checkMoney(price);
      if (p) return { at: `[${i}].unitPrice${p.at ?? ""}`, text: p.text };
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** A short rendering of a value for a reason (never the whole of a huge one). */
function show(v: unknown): string {
  if (typeof v === "string") return `"${clip(v)}"`;
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  return typeName(v);
}

function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
