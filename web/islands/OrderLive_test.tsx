import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { OrderActionName, OrderJson } from "../api/order_json.ts";
import OrderLive from "./OrderLive.tsx";

function order(status: string, allowedActions: OrderActionName[], paymentLink = "http://x/pay/1"): OrderJson {
  return {
    id: "3f1c2a4e-0000-4000-8000-000000000001",
    customerId: "alice",
    status,
    items: [],
    total: { amount: 900, currency: "EUR" },
    paymentLink,
    timeline: [],
    createdAt: null,
    updatedAt: null,
    allowedActions,
    number: 0,
    details: null,
  };
}

/** The customer's actions on the rendered order: "pay" for the Pay now link, "cancel" for the button. */
function actions(o: OrderJson): string[] {
  const html = renderToString(<OrderLive order={o} customerId="alice" />);
  const out: string[] = [];
  if (/>Pay now</.test(html)) out.push("pay");
  if (/>Cancel order</.test(html)) out.push("cancel");
  return out;
}

Deno.test("the order page offers exactly the customer actions the order allows, whatever its status", () => {
  assert.deepEqual(actions(order("waiting_payment", ["cancel", "pay"])), ["pay", "cancel"]);
  assert.deepEqual(actions(order("pending", ["cancel"], "")), ["cancel"]);
  assert.deepEqual(actions(order("paid", ["refund"])), [], "refunds are the shop's");
  assert.deepEqual(actions(order("ready", ["complete"])), []);
  // the page reads the data, not a copy of the rules
  assert.deepEqual(actions(order("waiting_payment", [])), []);
  assert.deepEqual(actions(order("paid", ["pay"])), ["pay"]);
  assert.deepEqual(actions(order("waiting_payment", ["pay"], "")), [], "no link, no Pay now");
});
