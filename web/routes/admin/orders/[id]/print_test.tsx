import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { OrderJson } from "../../../../api/order_json.ts";
import { DEFAULT_SHOP } from "../../../../shop.ts";
import { PrintOrder } from "./print.tsx";

const ORDER: OrderJson = {
  id: "3f1c2a4e-0000-4000-8000-000000000001",
  number: 1042,
  customerId: "c-1",
  status: "preparing",
  items: [
    { id: "1", name: "Margherita", quantity: 2, unitPrice: { amount: 900, currency: "EUR" } },
    { id: "5", name: "Cola", quantity: 1, unitPrice: { amount: 250, currency: "EUR" } },
  ],
  total: { amount: 2050, currency: "EUR" },
  paymentLink: "",
  timeline: [],
  createdAt: "2026-11-30T17:00:00.000Z",
  updatedAt: "2026-11-30T17:00:00.000Z",
  allowedActions: ["refund"],
  details: {
    name: "Ada",
    phone: "+49 30 1234567",
    email: "",
    note: "No onions",
    pickupAt: "2026-11-30T17:30:00.000Z",
  },
  paymentState: "partially_refunded",
  refunded: { amount: 250, currency: "EUR" },
  refunds: [],
  notes: [{
    id: "n1",
    at: "2026-11-30T17:05:00.000Z",
    author: "anna",
    text: "Bag it well",
    visibleToCustomer: false,
  }],
};

Deno.test("the print view is a document of its own: number, customer, pickup in the shop's zone, items, totals, notes, no navigation", () => {
  const html = renderToString(<PrintOrder order={ORDER} shop={DEFAULT_SHOP} />);
  assert.match(html, /^<html lang="en"><head><meta charset="utf-8"\/>/);
  assert.match(html, /<title>Order #1042 · OMS Pizzeria<\/title>/);
  assert.match(html, /admin_print\.[0-9a-f]+\.css|admin_print\.css/);
  assert.match(html, /data-testid="print-number">#1042</);
  assert.match(html, /data-testid="print-customer">Ada</);
  assert.match(html, /data-testid="print-pickup">30 Nov 2026, 18:30</, "18:30 in Berlin");
  assert.match(
    html,
    /<td>Margherita<\/td><td class="num">2<\/td><td class="num">€9\.00<\/td><td class="num">€18\.00<\/td>/,
  );
  assert.match(html, /data-testid="print-total">€20\.50</);
  assert.match(html, /Refunded<\/th><td class="num">−€2\.50</);
  assert.match(html, /<strong>Internal<\/strong> \(anna, 30 Nov 2026, 18:05\): Bag it well/);
  assert.doesNotMatch(html, /<nav|admin-nav|<script/);
});
