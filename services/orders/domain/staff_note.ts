/**
 * Staff notes on an order: a text of 1..1000 characters, internal to staff or visible to the customer,
 * written by the staff member the verified staff claim names. Notes do not change the status and are
 * kept apart from the timeline (the admin page merges both by time); customers' reads carry only the
 * visible ones (`orderToProto(order, "customer")`). Pure: no I/O, no clock.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { Decision } from "./lifecycle.ts";
import type { Order, OrderNote } from "./order.ts";

/** The longest note, in characters. */
export const MAX_NOTE_LENGTH = 1000;

/** At most this many notes per order, so an order record stays well inside a KV value. */
export const MAX_NOTES = 50;

/**
 * The note's text, trimmed; `invalid_argument` on field `text` when it is empty or longer than
 * {@linkcode MAX_NOTE_LENGTH} characters (counted as characters, not UTF-16 units).
 */
export function validateNoteText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new DomainError("invalid_argument", "Note text is required (1 to 1000 characters)", {
      field: "text",
    });
  }
  const length = [...trimmed].length;
  if (length > MAX_NOTE_LENGTH) {
    throw new DomainError(
      "invalid_argument",
      `Note text must be at most ${MAX_NOTE_LENGTH} characters, got ${length}`,
      { field: "text" },
    );
  }
  return trimmed;
}

/** Adds `note` (its text validated) to `order`; no events. Throws past {@linkcode MAX_NOTES}. */
export function addNote(order: Order, note: OrderNote): Decision {
  const text = validateNoteText(note.text);
  const notes = order.notes ?? [];
  if (notes.length >= MAX_NOTES) {
    throw new DomainError(
      "invalid_argument",
      `Order ${order.id} already has ${notes.length} notes, the most an order keeps`,
      { field: "text" },
    );
  }
  if (!note.author) {
    throw new DomainError("permission_denied", "A note needs the staff member who writes it");
  }
  return {
    order: { ...order, notes: [...notes, { ...note, text }], updatedAt: note.at },
    events: [],
  };
}
