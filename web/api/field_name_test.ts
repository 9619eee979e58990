import assert from "node:assert/strict";
import { camelField } from "./field_name.ts";

Deno.test("camelField turns the services' snake_case fields into the API's camelCase", () => {
  const cases: [string, string][] = [
    ["order_id", "orderId"],
    ["order_ids", "orderIds"],
    ["session_id", "sessionId"],
    ["items[0].item_id", "items[0].itemId"],
    ["items[12].unit_price.amount", "items[12].unitPrice.amount"],
    ["details.pickup_at", "details.pickupAt"],
    ["total.currency", "total.currency"],
  ];
  for (const [snake, camel] of cases) assert.equal(camelField(snake), camel, snake);
});

Deno.test("camelField keeps camelCase names, header names and empty fields as they are", () => {
  for (
    const same of [
      "",
      "orderId",
      "items[0].id",
      "details.pickupAt",
      "Idempotency-Key",
      "stripe-signature",
      "items",
    ]
  ) {
    assert.equal(camelField(same), same);
  }
});
