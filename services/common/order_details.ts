/**
 * The one validator of an order's details (who the order is for and when they collect it), shared by
 * orders (which enforces it) and web (which checks a form or JSON body before calling orders). Pure: the
 * clock is a parameter.
 *
 * Rules (after trimming every text): name 1..80 characters, required when any detail is given; phone
 * optional, only digits, spaces and `+-().` with 6..20 digits; email optional, at most 254 characters,
 * `local@domain.tld`; phone or email (or both) required; note at most 500 characters with no control
 * characters but newlines (a form's CRLF counts as a newline); pickupAt optional, an ISO 8601 date-time
 * with a time zone (or a `Date`) from one minute ago to seven days ahead. All fields empty or absent:
 * no details at all (API clients may omit them).
 *
 * @module
 */
import type { OrderDetails } from "./gen/oms/types/v1/types.ts";

/** Longest name, in characters. */
export const MAX_NAME = 80;
/** Longest email address. */
export const MAX_EMAIL = 254;
/** Longest note, in characters. */
export const MAX_NOTE = 500;
/** Fewest digits of a phone number. */
export const MIN_PHONE_DIGITS = 6;
/** Most digits of a phone number. */
export const MAX_PHONE_DIGITS = 20;
/** How far in the past a pickup time may be (clock skew, a slow form). */
export const PICKUP_GRACE_MS = 60_000;
/** How far ahead a pickup time may be. */
export const PICKUP_HORIZON_MS = 7 * 24 * 60 * 60_000;

/** The details as they arrive (a JSON body, a form, or a proto message); every field may be anything. */
export interface DetailsInput {
  name?: unknown;
  phone?: unknown;
  email?: unknown;
  note?: unknown;
  pickupAt?: unknown;
}

/** Valid details (`undefined` when none were given), or the first field at fault and why. */
export type DetailsResult =
  | { ok: true; details: OrderDetails | undefined }
  | { ok: false; field: string; message: string };

const PHONE_CHARS = /^[0-9 +\-().]+$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// deno-lint-ignore no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or `±HH:MM`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

class Invalid {
  constructor(readonly field: string, readonly message: string) {}
}

function text(value: unknown, field: string, label: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new Invalid(field, `${label} must be a string, got ${typeof value}`);
  return value.trim();
}

function length(s: string): number {
  return [...s].length;
}

/** Shows a user's value in a message without letting a long one flood it. */
function shown(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

function name(value: unknown): string {
  const s = text(value, "details.name", "Name");
  if (s === "") throw new Invalid("details.name", "Name is required");
  if (length(s) > MAX_NAME) {
    throw new Invalid("details.name", `Name must be at most ${MAX_NAME} characters, got ${length(s)}`);
  }
  if (CONTROL.test(s)) throw new Invalid("details.name", `Name ${shown(s)} contains a control character`);
  return s;
}

function phone(value: unknown): string {
  const s = text(value, "details.phone", "Phone");
  if (s === "") return "";
  if (!PHONE_CHARS.test(s)) {
    throw new Invalid("details.phone", `Phone ${shown(s)} may contain only digits, spaces and + - ( ) .`);
  }
  const digits = s.replace(/\D/g, "").length;
  if (digits < MIN_PHONE_DIGITS || digits > MAX_PHONE_DIGITS) {
    throw new Invalid(
      "details.phone",
      `Phone ${shown(s)} must have ${MIN_PHONE_DIGITS} to ${MAX_PHONE_DIGITS} digits, got ${digits}`,
    );
  }
  return s;
}

function email(value: unknown): string {
  const s = text(value, "details.email", "Email");
  if (s === "") return "";
  if (s.length > MAX_EMAIL) {
    throw new Invalid("details.email", `Email must be at most ${MAX_EMAIL} characters, got ${s.length}`);
  }
  if (!EMAIL.test(s)) {
    throw new Invalid("details.email", `Email ${shown(s)} is not an address like name@example.com`);
  }
  return s;
}

function note(value: unknown): string {
  const s = text(value, "details.note", "Note").replace(/\r\n?/g, "\n");
  if (length(s) > MAX_NOTE) {
    throw new Invalid("details.note", `Note must be at most ${MAX_NOTE} characters, got ${length(s)}`);
  }
  if (CONTROL_BUT_NEWLINE.test(s)) {
    throw new Invalid("details.note", "Note must not contain control characters other than line breaks");
  }
  return s;
}

function pickupAt(value: unknown, now: Date): Date | undefined {
  let at: Date;
  if (value === undefined || value === null || value === "") return undefined;
  if (value instanceof Date) {
    at = value;
  } else if (typeof value === "string") {
    const s = value.trim();
    if (s === "") return undefined;
    if (!ISO_DATE_TIME.test(s)) {
      throw new Invalid(
        "details.pickupAt",
        `Pickup time ${
          shown(s)
        } is not an ISO 8601 date-time with a time zone, e.g. 2026-12-01T18:30:00+01:00`,
      );
    }
    at = new Date(s);
  } else {
    throw new Invalid("details.pickupAt", `Pickup time must be an ISO 8601 string, got ${typeof value}`);
  }
  if (Number.isNaN(at.getTime())) {
    throw new Invalid("details.pickupAt", `Pickup time ${shown(String(value))} is not a valid date`);
  }
  if (at.getTime() < now.getTime() - PICKUP_GRACE_MS) {
    throw new Invalid("details.pickupAt", `Pickup time ${at.toISOString()} is in the past`);
  }
  if (at.getTime() > now.getTime() + PICKUP_HORIZON_MS) {
    throw new Invalid("details.pickupAt", `Pickup time ${at.toISOString()} is more than 7 days ahead`);
  }
  return at;
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/**
 * Validates and normalizes order details at `now` (trimmed texts, CRLF -> LF in the note, pickupAt as a
 * `Date`). All fields empty or absent gives `details: undefined`; otherwise the name and a phone or
 * email are required. Errors name the field (`details.name`, `details.phone`, `details.email`,
 * `details.note`, `details.pickupAt`) and the offending value.
 */
export function validateOrderDetails(input: DetailsInput | undefined, now: Date): DetailsResult {
  if (input === undefined || input === null) return { ok: true, details: undefined };
  if (typeof input !== "object") {
    return { ok: false, field: "details", message: `Details must be an object, got ${typeof input}` };
  }
  const { name: n, phone: p, email: e, note: t, pickupAt: at } = input;
  if ([n, p, e, t, at].every(blank)) return { ok: true, details: undefined };
  try {
    const details: OrderDetails = {
      name: name(n),
      phone: phone(p),
      email: email(e),
      note: "",
      pickupAt: undefined,
    };
    if (!details.phone && !details.email) {
      throw new Invalid("details.phone", "A phone number or an email address is required");
    }
    details.note = note(t);
    details.pickupAt = pickupAt(at, now);
    return { ok: true, details };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, field: err.field, message: err.message };
    throw err;
  }
}

/** The details as events and the kitchen carry them: name, note and pickup time, contact details left out. */
export function detailsWithoutContact(details: OrderDetails | undefined): OrderDetails | undefined {
  return details && { ...details, phone: "", email: "" };
}
