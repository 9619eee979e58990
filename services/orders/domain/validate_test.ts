import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import {
  DEFAULT_PAGE_SIZE,
  validateCreateOrder,
  validateCustomerId,
  validateOrderId,
  validatePageSize,
} from "./validate.ts";

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, "invalid_argument");
    return err.field;
  }
  assert.fail("expected an invalid_argument error");
}

const ok = { customerId: "cust_1", items: [{ itemId: "pizza", quantity: 2 }], idempotencyKey: "" };
const NOW = new Date("2026-12-01T12:00:00Z");

Deno.test("validateCreateOrder accepts a well-formed request", () => {
  assert.deepEqual(validateCreateOrder(ok, NOW), { ...ok, details: undefined });
});

Deno.test("validateCreateOrder names the field at fault", () => {
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, customerId: "" }, NOW)), "customer_id");
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, customerId: "a b" }, NOW)), "customer_id");
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, customerId: "x".repeat(65) }, NOW)), "customer_id");
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, items: [] }, NOW)), "items");
  const many = Array.from({ length: 51 }, () => ({ itemId: "pizza", quantity: 1 }));
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, items: many }, NOW)), "items");
  const bad = (quantity: number) => [{ itemId: "pizza", quantity: 1 }, { itemId: "cola", quantity }];
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, items: bad(0) }, NOW)), "items[1].quantity");
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, items: bad(1001) }, NOW)), "items[1].quantity");
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, items: bad(1.5) }, NOW)), "items[1].quantity");
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, items: bad(-3) }, NOW)), "items[1].quantity");
  assert.equal(
    fieldOf(() => validateCreateOrder({ ...ok, items: [{ itemId: "", quantity: 1 }] }, NOW)),
    "items[0].item_id",
  );
  assert.equal(
    fieldOf(() => validateCreateOrder({ ...ok, idempotencyKey: "k".repeat(201) }, NOW)),
    "idempotency_key",
  );
});

Deno.test("validateCreateOrder checks and trims the details, naming the detail at fault", () => {
  const details = { name: " Ada ", phone: "0170 123456", email: "", note: "", pickupAt: undefined };
  assert.deepEqual(validateCreateOrder({ ...ok, details }, NOW).details, { ...details, name: "Ada" });
  assert.equal(
    validateCreateOrder({ ...ok, details: { ...details, name: "", phone: "" } }, NOW).details,
    undefined,
  );
  assert.equal(
    fieldOf(() => validateCreateOrder({ ...ok, details: { ...details, name: "" } }, NOW)),
    "details.name",
  );
  assert.equal(
    fieldOf(() => validateCreateOrder({ ...ok, details: { ...details, phone: "x" } }, NOW)),
    "details.phone",
  );
  const past = { ...details, pickupAt: new Date("2026-12-01T11:00:00Z") };
  assert.equal(fieldOf(() => validateCreateOrder({ ...ok, details: past }, NOW)), "details.pickupAt");
});

Deno.test("validateCreateOrder accepts the limits themselves", () => {
  const fifty = Array.from({ length: 50 }, () => ({ itemId: "pizza", quantity: 1000 }));
  assert.equal(validateCreateOrder({ ...ok, items: fifty }, NOW).items.length, 50);
  assert.equal(validateCustomerId("A".repeat(64)), "A".repeat(64));
});

Deno.test("validateCreateOrder messages name the offending value", () => {
  assert.throws(
    () => validateCreateOrder({ ...ok, items: [{ itemId: "cola", quantity: 0 }] }, NOW),
    /Quantity of "cola" must be a whole number from 1 to 1000, got 0/,
  );
});

Deno.test("validatePageSize defaults 0 to 20 and rejects values outside 1..100", () => {
  assert.equal(validatePageSize(0), DEFAULT_PAGE_SIZE);
  assert.equal(validatePageSize(1), 1);
  assert.equal(validatePageSize(100), 100);
  assert.equal(fieldOf(() => validatePageSize(101)), "page_size");
  assert.equal(fieldOf(() => validatePageSize(-1)), "page_size");
});

Deno.test("validateOrderId requires an id", () => {
  assert.equal(fieldOf(() => validateOrderId("")), "order_id");
  assert.equal(validateOrderId("abc"), "abc");
});
