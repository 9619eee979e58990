import assert from "node:assert/strict";
import { allowedActions } from "./actions.ts";
import { ORDER_STATUSES, type OrderStatus } from "./order.ts";

const LINK = "http://127.0.0.1:8080/pay/local_cs_0";

Deno.test("each status allows exactly its actions (a pending order has no checkout link yet)", () => {
  const expected: Record<OrderStatus, string[]> = {
    pending: ["cancel"],
    waiting_payment: ["cancel", "pay"],
    paid: ["refund"],
    preparing: ["refund"],
    ready: ["complete", "refund"],
    completed: ["refund"],
    cancelled: [],
    refunded: [],
  };
  for (const status of ORDER_STATUSES) {
    assert.deepEqual(
      allowedActions({ status, paymentLink: status === "pending" ? "" : LINK }),
      expected[status],
      status,
    );
  }
});

Deno.test("pay needs the checkout link, even where the order could become paid", () => {
  assert.deepEqual(allowedActions({ status: "waiting_payment", paymentLink: "" }), ["cancel"]);
  assert.deepEqual(allowedActions({ status: "pending", paymentLink: "" }), ["cancel"]);
});
