import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { mergeLines, sameLines, validateReservationRequest } from "./lines.ts";

function rejects(fn: () => void, code: string, field: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, code);
    assert.equal(err.field, field);
    if (message) assert.match(err.message, message);
    return true;
  });
}

Deno.test("validateReservationRequest accepts a well-formed request", () => {
  validateReservationRequest("o-1", [{ itemId: "1", quantity: 1 }, { itemId: "2", quantity: 1000 }]);
});

Deno.test("validateReservationRequest rejects an empty order id", () => {
  rejects(
    () => validateReservationRequest(" ", [{ itemId: "1", quantity: 1 }]),
    "invalid_argument",
    "order_id",
  );
});

Deno.test("validateReservationRequest rejects a request without items", () => {
  rejects(() => validateReservationRequest("o-1", []), "invalid_argument", "items", /at least one item/);
});

Deno.test("validateReservationRequest names the line whose quantity is out of range", () => {
  const lines = [{ itemId: "1", quantity: 1 }, { itemId: "2", quantity: 2 }, { itemId: "3", quantity: 0 }];
  rejects(() => validateReservationRequest("o-1", lines), "invalid_argument", "items[2].quantity", /got 0/);
  rejects(
    () => validateReservationRequest("o-1", [{ itemId: "1", quantity: 1001 }]),
    "invalid_argument",
    "items[0].quantity",
    /"1".*got 1001/,
  );
  rejects(
    () => validateReservationRequest("o-1", [{ itemId: "1", quantity: 1.5 }]),
    "invalid_argument",
    "items[0].quantity",
  );
});

Deno.test("validateReservationRequest rejects an empty item id", () => {
  rejects(
    () => validateReservationRequest("o-1", [{ itemId: "1", quantity: 1 }, { itemId: "", quantity: 1 }]),
    "invalid_argument",
    "items[1].id",
  );
});

Deno.test("validateReservationRequest rejects too many lines", () => {
  const lines = Array.from({ length: 51 }, (_, i) => ({ itemId: String(i), quantity: 1 }));
  rejects(() => validateReservationRequest("o-1", lines), "invalid_argument", "items", /at most 50/);
});

Deno.test("mergeLines sums duplicate lines and keeps first appearance order and index", () => {
  const merged = mergeLines([
    { itemId: "2", quantity: 1 },
    { itemId: "1", quantity: 2 },
    { itemId: "2", quantity: 3 },
  ]);
  assert.deepEqual(merged, [
    { itemId: "2", quantity: 4, index: 0 },
    { itemId: "1", quantity: 2, index: 1 },
  ]);
});

Deno.test("sameLines ignores order but not quantities", () => {
  const a = [{ itemId: "1", quantity: 2 }, { itemId: "2", quantity: 1 }];
  assert.ok(sameLines(a, [{ itemId: "2", quantity: 1 }, { itemId: "1", quantity: 2 }]));
  assert.ok(!sameLines(a, [{ itemId: "2", quantity: 1 }, { itemId: "1", quantity: 3 }]));
  assert.ok(!sameLines(a, [{ itemId: "1", quantity: 2 }]));
});
