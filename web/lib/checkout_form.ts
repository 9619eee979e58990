/**
 * The checkout form's fields and their checks, shared by the checkout page (server) and the Checkout
 * island (browser), so both show the same message next to the same field.
 *
 * The rules are `services/common/order_details.ts`'s (the one validator orders enforces), plus what
 * the storefront adds: details are required (a name, and a phone number or an email address), and the
 * pickup time is "as soon as possible" ({@linkcode ASAP}) or one of the offered slots (the server
 * checks the slot against the opening hours). Unlike the validator, {@linkcode checkDetails} reports
 * every field at fault, not only the first.
 *
 * @module
 */
import { type DetailsInput, validateOrderDetails } from "../../services/common/order_details.ts";

/** The pickup value meaning "as soon as possible". */
export const ASAP = "asap";

/** What the customer typed, as typed (trimmed only when checked). */
export interface CheckoutValues {
  /** Name. */
  name: string;
  /** Phone number. */
  phone: string;
  /** Email address. */
  email: string;
  /** Note for the kitchen. */
  note: string;
  /** {@linkcode ASAP} or a slot's ISO 8601 time. */
  pickup: string;
}

/** A field of the form. */
export type CheckoutField = keyof CheckoutValues;

/** Messages by field. */
export type FieldErrors = Partial<Record<CheckoutField, string>>;

/** The form before the customer typed anything. */
export const EMPTY_VALUES: CheckoutValues = { name: "", phone: "", email: "", note: "", pickup: ASAP };

/** The form's fields in order (also the order errors are announced in). */
export const FIELDS: readonly CheckoutField[] = ["name", "phone", "email", "pickup", "note"];

/** Longest value kept of any field (the validator then says what is too long). */
const MAX_KEPT = 2000;

/** The form's values from a form body (`get` is `URLSearchParams.get` or `FormData.get`). */
export function readValues(get: (name: string) => unknown): CheckoutValues {
  const text = (name: string) => {
    const v = get(name);
    return typeof v === "string" ? v.slice(0, MAX_KEPT) : "";
  };
  return {
    name: text("name"),
    phone: text("phone"),
    email: text("email"),
    note: text("note"),
    pickup: text("pickup") || ASAP,
  };
}

/** The `pickupAt` of the values: null for {@linkcode ASAP}, else the slot's time. */
export function pickupAtOf(values: CheckoutValues): string | null {
  return values.pickup === ASAP ? null : values.pickup;
}

/** The `details` of the JSON API (`POST /api/customers/{id}/orders`). */
export function detailsJson(values: CheckoutValues): {
  name: string;
  phone: string;
  email: string;
  note: string;
  pickupAt: string | null;
} {
  return {
    name: values.name.trim(),
    phone: values.phone.trim(),
    email: values.email.trim(),
    note: values.note.trim(),
    pickupAt: pickupAtOf(values),
  };
}

/** The form field of a validator or API error field (`details.pickupAt` -> `pickup`), or null. */
export function fieldOf(apiField: string): CheckoutField | null {
  switch (apiField) {
    case "details.name":
    case "details.phone":
    case "details.email":
    case "details.note":
      return apiField.slice("details.".length) as CheckoutField;
    case "details.pickupAt":
      return "pickup";
    default:
      return null;
  }
}

const MESSAGES: Record<string, string> = {
  "Name is required": "Please enter your name.",
  "A phone number or an email address is required":
    "Please give a phone number or an email address, so we can reach you about your order.",
};

/** Stand-ins that pass the validator, to find the next field at fault once one is known. */
const PASSING: Required<DetailsInput> = {
  name: "x",
  phone: "000000",
  email: "x@x.xx",
  note: "",
  pickupAt: undefined,
};

/**
 * Every field at fault in `values` at `now`, by the order details rules (details required). The
 * pickup time's place in the opening hours is not checked here (the server does).
 */
export function checkDetails(values: CheckoutValues, now: Date): FieldErrors {
  const errors: FieldErrors = {};
  const input: DetailsInput = { ...detailsJson(values) };
  if (input.name === "") {
    errors.name = MESSAGES["Name is required"];
    input.name = PASSING.name;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const result = validateOrderDetails(input, now);
    if (result.ok) break;
    const field = fieldOf(result.field);
    if (!field) break;
    errors[field] ??= MESSAGES[result.message] ?? `${result.message}.`;
    const key = field === "pickup" ? "pickupAt" : field;
    input[key] = PASSING[key];
  }
  return errors;
}

/** True when there are no errors. */
export function isValid(errors: FieldErrors): boolean {
  return Object.keys(errors).length === 0;
}
