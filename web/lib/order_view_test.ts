import assert from "node:assert/strict";
import { formatMoney, totalOf } from "./money.ts";
import { canCancel, cancelReason, isTerminal, payNowLink, statusLabel, statusMessage } from "./order_view.ts";

const order = (status: string, cause = "", paymentLink = "", allowedActions: string[] = []) => ({
  status,
  paymentLink,
  allowedActions,
  timeline: [{ status: "pending", cause: "customer", at: null }, { status, cause, at: null }],
});

Deno.test("cancelled orders say why: declined, expired, by the customer, by the shop", () => {
  assert.equal(cancelReason(order("cancelled", "payment.failed")), "declined");
  assert.match(statusMessage(order("cancelled", "payment.failed")), /payment was declined/);
  assert.match(statusMessage(order("cancelled", "payment.expired")), /expired/);
  assert.match(statusMessage(order("cancelled", "customer")), /You cancelled/);
  assert.match(statusMessage(order("cancelled", "admin")), /shop cancelled/);
  assert.match(statusMessage(order("cancelled", "???")), /was cancelled/);
});

Deno.test("cancel and pay now are offered exactly when the order allows them; final statuses are final", () => {
  assert.ok(canCancel(order("pending", "", "", ["cancel"])));
  assert.ok(canCancel(order("waiting_payment", "", "", ["cancel", "pay"])));
  assert.ok(!canCancel(order("waiting_payment", "", "", ["pay"])), "the status alone does not decide");
  assert.ok(!canCancel(order("paid", "", "", ["refund"])));
  assert.equal(
    payNowLink(order("waiting_payment", "x", "http://p/pay/1", ["cancel", "pay"])),
    "http://p/pay/1",
  );
  assert.equal(payNowLink(order("waiting_payment", "x", "http://p/pay/1", ["cancel"])), null);
  assert.equal(payNowLink(order("waiting_payment", "x", "", ["pay"])), null, "no link, nothing to offer");
  assert.equal(payNowLink(order("paid", "x", "http://p/pay/1", ["refund"])), null);
  assert.deepEqual(["ready", "completed", "cancelled", "refunded"].map(isTerminal), [
    false,
    true,
    true,
    true,
  ]);
  assert.equal(statusLabel("waiting_payment"), "Waiting for payment");
});

Deno.test("money is shown from minor units with the currency's decimals", () => {
  assert.equal(formatMoney({ amount: 1250, currency: "EUR" }), "€12.50");
  assert.equal(formatMoney({ amount: 500, currency: "JPY" }), "¥500");
  assert.equal(formatMoney({ amount: 5, currency: "USD" }), "$0.05");
  assert.equal(formatMoney({ amount: 1250, currency: "???" }), "12.50 ???");
  assert.deepEqual(totalOf([{ unitPrice: { amount: 850, currency: "EUR" }, quantity: 3 }]), {
    amount: 2550,
    currency: "EUR",
  });
  assert.equal(formatMoney(totalOf([], "EUR")), "€0.00", "an empty cart shows the menu's currency");
});

Deno.test("a cancelled order that was paid afterwards says its payment is refunded, and keeps the original reason", () => {
  const at = "2026-01-01T00:00:00.000Z";
  const order = {
    status: "cancelled",
    paymentLink: "",
    allowedActions: [],
    timeline: [
      { status: "pending", cause: "customer", at },
      { status: "cancelled", cause: "customer", at },
      { status: "cancelled", cause: "payment.succeeded after cancel: refunding", at },
    ],
  };
  assert.equal(cancelReason(order), "customer");
  assert.match(statusMessage(order), /is being refunded/);
  order.timeline.push({ status: "cancelled", cause: "payment.refunded after cancel", at });
  assert.match(statusMessage(order), /has been refunded/);
});
