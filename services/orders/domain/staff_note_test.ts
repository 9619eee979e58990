import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { newOrder } from "./order.ts";
import { addNote, MAX_NOTES, validateNoteText } from "./staff_note.ts";

const at = new Date("2026-11-30T12:00:00Z");
const order = newOrder({
  id: "o-1",
  customerId: "c-1",
  items: [],
  total: { amount: 0, currency: "EUR" },
  at,
  cause: "customer",
  traceId: "",
});

function note(text: string, visibleToCustomer = false) {
  return { id: crypto.randomUUID(), at, author: "anna", text, visibleToCustomer };
}

Deno.test("a note's text is 1 to 1000 characters (counted as characters), trimmed", () => {
  assert.equal(validateNoteText("  Call when ready "), "Call when ready");
  assert.equal(validateNoteText("🍕".repeat(1000)).length, 2000, "1000 characters, 2000 UTF-16 units");
  for (const bad of ["", "   ", "x".repeat(1001)]) {
    assert.throws(
      () => validateNoteText(bad),
      (e: unknown) => e instanceof DomainError && e.code === "invalid_argument" && e.field === "text",
    );
  }
});

Deno.test("addNote appends the note (oldest first) without touching the status or the timeline, and no event", () => {
  const first = addNote(order, note("internal")).order!;
  const d = addNote(first, note("visible", true));
  assert.deepEqual(d.order!.notes!.map((n) => [n.text, n.visibleToCustomer, n.author]), [
    ["internal", false, "anna"],
    ["visible", true, "anna"],
  ]);
  assert.equal(d.order!.status, order.status);
  assert.deepEqual(d.order!.timeline, order.timeline);
  assert.deepEqual(d.events, []);
});

Deno.test("an order keeps at most MAX_NOTES notes, and a note needs its author", () => {
  let o = order;
  for (let i = 0; i < MAX_NOTES; i++) o = addNote(o, note(`n${i}`)).order!;
  assert.throws(() => addNote(o, note("one more")), /already has 50 notes/);
  assert.throws(
    () => addNote(order, { ...note("x"), author: "" }),
    (e: unknown) => e instanceof DomainError && e.code === "permission_denied",
  );
});
