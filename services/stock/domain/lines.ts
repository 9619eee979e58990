/**
 * Validating the lines of a reservation request and merging duplicate lines.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";

/** One requested line: an item id and a quantity. */
export interface RequestedLine {
  /** The catalog item id. */
  itemId: string;
  /** Units wanted. */
  quantity: number;
}

/** A line after merging: the summed quantity and the index of the first request line for that item. */
export interface MergedLine {
  /** The catalog item id. */
  itemId: string;
  /** Sum of the quantities of every request line for this item. */
  quantity: number;
  /** Index in the request of the first line naming this item (for error fields). */
  index: number;
}

/** The largest quantity of one request line. */
export const MAX_LINE_QUANTITY = 1000;

/** The largest number of lines one reservation may have (KV atomic checks are limited). */
export const MAX_LINES = 50;

/**
 * Validates a reservation request: a non-empty order id, 1 to {@linkcode MAX_LINES} lines, each with a
 * non-empty item id and an integer quantity from 1 to {@linkcode MAX_LINE_QUANTITY}.
 * Throws an `invalid_argument` {@linkcode DomainError} whose `field` names the offending value.
 */
export function validateReservationRequest(orderId: string, lines: readonly RequestedLine[]): void {
  if (orderId.trim() === "") {
    throw new DomainError("invalid_argument", "Order id must not be empty", { field: "order_id" });
  }
  if (lines.length === 0) {
    throw new DomainError("invalid_argument", `Order "${orderId}" must have at least one item`, {
      field: "items",
    });
  }
  if (lines.length > MAX_LINES) {
    throw new DomainError(
      "invalid_argument",
      `An order can have at most ${MAX_LINES} lines, got ${lines.length}`,
      { field: "items" },
    );
  }
  lines.forEach((line, i) => {
    if (line.itemId.trim() === "") {
      throw new DomainError("invalid_argument", `Item id of line ${i + 1} must not be empty`, {
        field: `items[${i}].id`,
      });
    }
    const q = line.quantity;
    if (!Number.isInteger(q) || q < 1 || q > MAX_LINE_QUANTITY) {
      throw new DomainError(
        "invalid_argument",
        `Quantity of item "${line.itemId}" must be an integer from 1 to ${MAX_LINE_QUANTITY}, got ${q}`,
        { field: `items[${i}].quantity` },
      );
    }
  });
}

/** Merges lines naming the same item (quantities summed), keeping the order of first appearance. */
export function mergeLines(lines: readonly RequestedLine[]): MergedLine[] {
  const byId = new Map<string, MergedLine>();
  lines.forEach((line, index) => {
    const seen = byId.get(line.itemId);
    if (seen) seen.quantity += line.quantity;
    else byId.set(line.itemId, { itemId: line.itemId, quantity: line.quantity, index });
  });
  return [...byId.values()];
}

/** True when two merged line lists ask for the same quantities of the same items (order ignored). */
export function sameLines(
  a: readonly { itemId: string; quantity: number }[],
  b: readonly { itemId: string; quantity: number }[],
): boolean {
  if (a.length !== b.length) return false;
  const qa = new Map(a.map((l) => [l.itemId, l.quantity]));
  return b.every((l) => qa.get(l.itemId) === l.quantity);
}
