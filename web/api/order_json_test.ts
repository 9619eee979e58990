import assert from "node:assert/strict";
import { OrderAction, OrderStatus, PaymentState } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { detailsJson, orderJson, productJson } from "./order_json.ts";

const BASE = {
  id: "3f1c2a4e-0000-4000-8000-000000000001",
  customerId: "alice",
  status: OrderStatus.ORDER_STATUS_WAITING_PAYMENT,
  items: [],
  total: { amount: 900, currency: "EUR" },
  paymentLink: "",
  timeline: [],
  createdAt: new Date(0),
  updatedAt: new Date(0),
  allowedActions: [OrderAction.ORDER_ACTION_CANCEL],
  refunds: [],
  notes: [],
};

Deno.test("an order's JSON has its number and details, the pickup time in ISO 8601", () => {
  const pickupAt = new Date("2026-12-01T18:30:00Z");
  const json = orderJson({
    ...BASE,
    number: 1042,
    details: { name: "Ada", phone: "0170123456", email: "", note: "No onions", pickupAt },
  });
  assert.equal(json.number, 1042);
  assert.deepEqual(json.details, {
    name: "Ada",
    phone: "0170123456",
    email: "",
    note: "No onions",
    pickupAt: "2026-12-01T18:30:00.000Z",
  });
});

Deno.test("an order without number or details shows 0 and null; ASAP pickup is null", () => {
  const json = orderJson({ ...BASE, number: 0, details: undefined });
  assert.deepEqual([json.number, json.details], [0, null]);
  assert.equal(
    detailsJson({ name: "Ada", phone: "", email: "a@b.co", note: "", pickupAt: undefined })?.pickupAt,
    null,
  );
});

Deno.test("a product's JSON has its category, tags, allergens, image and position", () => {
  const json = productJson({
    id: "7",
    name: "Caesar Salad",
    description: "",
    price: { amount: 800, currency: "EUR" },
    available: 3,
    reserved: 0,
    sold: 0,
    category: "Salads",
    tags: [],
    allergens: ["gluten", "eggs", "fish", "milk"],
    image: "/menu/caesar-salad.svg",
    position: 80,
    updatedAt: undefined,
  });
  assert.deepEqual(json, {
    id: "7",
    name: "Caesar Salad",
    description: "",
    price: { amount: 800, currency: "EUR" },
    available: 3,
    offMenu: false,
    category: "Salads",
    tags: [],
    allergens: ["gluten", "eggs", "fish", "milk"],
    image: "/menu/caesar-salad.svg",
    position: 80,
  });
});

Deno.test("a product taken off the menu is listed with none available, whatever its stock", () => {
  const json = productJson({
    id: "8",
    name: "Tiramisu",
    description: "",
    price: { amount: 600, currency: "EUR" },
    available: 12,
    reserved: 0,
    sold: 0,
    category: "Desserts",
    tags: [],
    allergens: [],
    image: "",
    position: 90,
    offMenu: true,
    updatedAt: undefined,
  });
  assert.deepEqual([json.available, json.offMenu], [0, true]);
});

Deno.test("an order's JSON has its payment state, what was refunded, the refunds, the notes and who did each step", () => {
  const at = new Date("2026-11-30T17:00:00Z");
  const json = orderJson({
    ...BASE,
    status: OrderStatus.ORDER_STATUS_PREPARING,
    number: 7,
    details: undefined,
    timeline: [{
      status: OrderStatus.ORDER_STATUS_PREPARING,
      at,
      cause: "€1.00 refunded: x",
      traceId: "",
      actor: "anna",
    }],
    paymentState: PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED,
    refunded: { amount: 100, currency: "EUR" },
    refunds: [{
      id: "r1",
      amount: { amount: 100, currency: "EUR" },
      reason: "x",
      by: "anna",
      at,
      providerRefundId: "re_1",
    }],
    notes: [{ id: "n1", at, author: "anna", text: "hi", visibleToCustomer: true }],
  });
  assert.equal(json.paymentState, "partially_refunded");
  assert.deepEqual(json.refunded, { amount: 100, currency: "EUR" });
  assert.equal(json.timeline[0]!.actor, "anna");
  assert.deepEqual(json.refunds?.[0], {
    id: "r1",
    amount: { amount: 100, currency: "EUR" },
    reason: "x",
    by: "anna",
    at: "2026-11-30T17:00:00.000Z",
    providerRefundId: "re_1",
  });
  assert.deepEqual(json.notes?.[0], {
    id: "n1",
    at: "2026-11-30T17:00:00.000Z",
    author: "anna",
    text: "hi",
    visibleToCustomer: true,
  });
  const unpaid = orderJson({ ...BASE, number: 0, details: undefined });
  assert.deepEqual([unpaid.paymentState, unpaid.refunded], ["unpaid", { amount: 0, currency: "EUR" }]);
});
