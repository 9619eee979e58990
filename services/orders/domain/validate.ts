/**
 * Request validation for the orders API: each failure is an `invalid_argument` {@linkcode DomainError}
 * naming the proto field at fault (e.g. `items[0].quantity`) and the offending value.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { ItemQuantity, OrderDetails } from "../../common/gen/oms/types/v1/types.ts";
import { validateOrderDetails } from "../../common/order_details.ts";

/** Most lines one order may have. */
export const MAX_ITEMS = 50;
/** Most units of one line. */
export const MAX_QUANTITY = 1000;
/** Page size when the request leaves it 0. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page size. */
export const MAX_PAGE_SIZE = 100;
/** Longest idempotency key. */
export const MAX_IDEMPOTENCY_KEY = 200;

const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_ITEM_ID = 128;

function invalid(field: string, message: string): DomainError {
  return new DomainError("invalid_argument", message, { field });
}

/** Checks a customer id (1 to 64 letters, digits, `_` or `-`); returns it. */
export function validateCustomerId(customerId: string, field = "customer_id"): string {
  if (!CUSTOMER_ID.test(customerId)) {
    throw invalid(
      field,
      customerId === ""
        ? "Customer id is required"
        : `Customer id "${customerId}" must be 1 to 64 letters, digits, "_" or "-"`,
    );
  }
  return customerId;
}

/** Checks that an order id is present and plausible; returns it. */
export function validateOrderId(orderId: string, field = "order_id"): string {
  if (orderId === "") throw invalid(field, "Order id is required");
  if (orderId.length > 64) throw invalid(field, `Order id "${orderId.slice(0, 64)}..." is too long`);
  return orderId;
}

/** A validated CreateOrder request. */
export interface ValidCreateOrder {
  customerId: string;
  items: ItemQuantity[];
  /** "" when not given. */
  idempotencyKey: string;
  /** Trimmed and checked (`common/order_details.ts`); undefined when none were given. */
  details: OrderDetails | undefined;
}

/**
 * Validates the fields of a CreateOrder request; `now` bounds the pickup time. Details follow
 * `validateOrderDetails` (fields `details.name`, `details.phone`, ...).
 */
export function validateCreateOrder(req: {
  customerId: string;
  items: ItemQuantity[];
  idempotencyKey: string;
  details?: OrderDetails;
}, now: Date): ValidCreateOrder {
  validateCustomerId(req.customerId);
  if (req.items.length === 0) throw invalid("items", "An order needs at least one item");
  if (req.items.length > MAX_ITEMS) {
    throw invalid("items", `An order can have at most ${MAX_ITEMS} items, got ${req.items.length}`);
  }
  req.items.forEach((item, i) => {
    if (item.itemId.trim() === "") throw invalid(`items[${i}].item_id`, "Item id is required");
    if (item.itemId.length > MAX_ITEM_ID) {
      throw invalid(`items[${i}].item_id`, `Item id "${item.itemId.slice(0, 32)}..." is too long`);
    }
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      throw invalid(
        `items[${i}].quantity`,
        `Quantity of "${item.itemId}" must be a whole number from 1 to ${MAX_QUANTITY}, got ${item.quantity}`,
      );
    }
  });
  if (req.idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
    throw invalid(
      "idempotency_key",
      `Idempotency key must be at most ${MAX_IDEMPOTENCY_KEY} characters, got ${req.idempotencyKey.length}`,
    );
  }
  const details = validateOrderDetails(req.details, now);
  if (!details.ok) throw invalid(details.field, details.message);
  return {
    customerId: req.customerId,
    items: req.items.map((i) => ({ itemId: i.itemId, quantity: i.quantity })),
    idempotencyKey: req.idempotencyKey,
    details: details.details,
  };
}

/** The page size to use: the default for 0, else 1 to {@linkcode MAX_PAGE_SIZE}. */
export function validatePageSize(pageSize: number): number {
  if (pageSize === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw invalid("page_size", `Page size must be from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  return pageSize;
}
