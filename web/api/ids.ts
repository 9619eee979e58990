/**
 * Validation of identifiers that arrive in paths and headers. Bad values are answered 400 with the
 * field, before any service is called.
 *
 * @module
 */
import { ApiError } from "./errors.ts";

const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_ID = /^[A-Za-z0-9_.:-]{1,255}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const CURSOR = /^[\x21-\x7e]{1,1024}$/;

function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

/** A customer id: 1..64 of `A-Z a-z 0-9 _ -`. */
export function customerId(value: string): string {
  if (!CUSTOMER_ID.test(value)) {
    throw new ApiError(
      400,
      "invalid_argument",
      `Customer id ${shown(value)} must be 1 to 64 letters, digits, "_" or "-"`,
      { field: "customerId" },
    );
  }
  return value;
}

/** An order id: a UUID, returned in lower case. */
export function orderId(value: string): string {
  if (!UUID.test(value)) {
    throw new ApiError(400, "invalid_argument", `Order id ${shown(value)} is not a UUID`, {
      field: "orderId",
    });
  }
  return value.toLowerCase();
}

/** A checkout session id. */
export function sessionId(value: string): string {
  if (!SESSION_ID.test(value)) {
    throw new ApiError(400, "invalid_argument", `Session id ${shown(value)} is not valid`, {
      field: "sessionId",
    });
  }
  return value;
}

/** The optional `Idempotency-Key` header: 1..255 visible ASCII characters, or "" when absent. */
export function idempotencyKey(value: string | undefined): string {
  if (value === undefined) return "";
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ApiError(
      400,
      "invalid_argument",
      `Idempotency-Key ${shown(value)} must be 1 to 255 visible ASCII characters`,
      { field: "Idempotency-Key" },
    );
  }
  return value;
}

/** The optional `cursor` query parameter of a list, or "" when absent. */
export function cursor(value: string | undefined): string {
  if (value === undefined || value === "") return "";
  if (!CURSOR.test(value)) {
    throw new ApiError(400, "invalid_argument", `Cursor ${shown(value)} is not valid`, { field: "cursor" });
  }
  return value;
}

/** The optional `limit` query parameter: 1..100, default `fallback`. */
export function pageSize(value: string | undefined, fallback = 20): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100) {
    throw new ApiError(
      400,
      "invalid_argument",
      `Limit ${shown(value)} must be a whole number from 1 to 100`,
      {
        field: "limit",
      },
    );
  }
  return n;
}
