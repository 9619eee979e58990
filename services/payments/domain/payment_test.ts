import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import {
  cancelUrl,
  canRefund,
  checkoutExpiry,
  checkoutIdempotencyKey,
  draftUsable,
  MAX_PLACED_AHEAD_MS,
  mustRefund,
  type OrderToPay,
  placedCheckoutKey,
  placedDraft,
  statusName,
  successUrl,
  transition,
  validateOrder,
} from "./payment.ts";

const order = (over: Partial<OrderToPay> = {}): OrderToPay => ({
  orderId: "o-1",
  customerId: "c-1",
  items: [
    { itemId: "pizza", name: "Pizza", quantity: 2, unitPrice: { amount: 900, currency: "EUR" } },
    { itemId: "cola", name: "Cola", quantity: 1, unitPrice: { amount: 250, currency: "EUR" } },
  ],
  total: { amount: 2050, currency: "EUR" },
  ...over,
});

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

Deno.test("validateOrder accepts an order whose total is the sum of its lines", () => {
  assert.equal(validateOrder(order()).total.amount, 2050);
});

Deno.test("validateOrder names the field at fault", () => {
  assert.equal(fieldOf(() => validateOrder(order({ orderId: " " }))), "order_id");
  assert.equal(fieldOf(() => validateOrder(order({ items: [] }))), "items");
  assert.equal(fieldOf(() => validateOrder(order({ total: undefined }))), "total.currency");
  assert.equal(
    fieldOf(() => validateOrder(order({ total: { amount: 2000, currency: "EUR" } }))),
    "total.amount",
  );
  const bad = order();
  bad.items[1] = { ...bad.items[1]!, quantity: 0 };
  assert.equal(fieldOf(() => validateOrder(bad)), "items[1].quantity");
  const usd = order();
  usd.items[0] = { ...usd.items[0]!, unitPrice: { amount: 900, currency: "USD" } };
  assert.equal(fieldOf(() => validateOrder(usd)), "items[0].unit_price.currency");
});

Deno.test("only an open payment moves, so a late or repeated provider event changes nothing", () => {
  assert.equal(
    transition(PaymentStatus.PAYMENT_STATUS_OPEN, "succeeded"),
    PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
  );
  assert.equal(transition(PaymentStatus.PAYMENT_STATUS_OPEN, "failed"), PaymentStatus.PAYMENT_STATUS_FAILED);
  assert.equal(
    transition(PaymentStatus.PAYMENT_STATUS_OPEN, "expired"),
    PaymentStatus.PAYMENT_STATUS_EXPIRED,
  );
  assert.equal(transition(PaymentStatus.PAYMENT_STATUS_SUCCEEDED, "expired"), null);
  assert.equal(transition(PaymentStatus.PAYMENT_STATUS_EXPIRED, "succeeded"), null);
  assert.equal(transition(PaymentStatus.PAYMENT_STATUS_REFUNDED, "succeeded"), null);
});

Deno.test("only a succeeded payment can be refunded", () => {
  assert.equal(canRefund(PaymentStatus.PAYMENT_STATUS_SUCCEEDED), true);
  for (
    const s of [
      PaymentStatus.PAYMENT_STATUS_OPEN,
      PaymentStatus.PAYMENT_STATUS_FAILED,
      PaymentStatus.PAYMENT_STATUS_EXPIRED,
      PaymentStatus.PAYMENT_STATUS_REFUNDED,
    ]
  ) {
    assert.equal(canRefund(s), false, statusName(s));
  }
});

Deno.test("checkout URLs return to the order's storefront page by order id only, escaped", () => {
  assert.equal(successUrl("https://shop.example", "o 1"), "https://shop.example/orders/o%201?paid=1");
  assert.equal(cancelUrl("http://localhost:8080", "o-1"), "http://localhost:8080/orders/o-1?cancelled=1");
  for (const url of [successUrl("https://shop.example", "o-1"), cancelUrl("https://shop.example", "o-1")]) {
    assert.doesNotMatch(url, /customer/, "a URL that leaves the site carries no customer id");
  }
  assert.equal(checkoutExpiry(new Date(0), 30).getTime(), 31 * 60_000);
});

Deno.test("a checkout draft stays usable while Stripe would still accept its expiry, then gets a new key", () => {
  const createdAt = new Date(0);
  const draft = { expiresAt: checkoutExpiry(createdAt, 30) };
  assert.equal(draftUsable(draft, new Date(30_000)), true);
  assert.equal(draftUsable(draft, new Date(2 * 60_000)), false);
  assert.equal(checkoutIdempotencyKey("o-1"), "checkout-o-1");
  assert.equal(checkoutIdempotencyKey("o-1", 2), "checkout-o-1-g2");
});

Deno.test("mustRefund: only a succeeded payment of a cancelled order is refunded", () => {
  assert.equal(mustRefund(PaymentStatus.PAYMENT_STATUS_SUCCEEDED, true), true);
  assert.equal(mustRefund(PaymentStatus.PAYMENT_STATUS_SUCCEEDED, false), false);
  for (
    const s of [
      PaymentStatus.PAYMENT_STATUS_OPEN,
      PaymentStatus.PAYMENT_STATUS_FAILED,
      PaymentStatus.PAYMENT_STATUS_EXPIRED,
      PaymentStatus.PAYMENT_STATUS_REFUNDED,
    ]
  ) assert.equal(mustRefund(s, true), false, statusName(s));
});

Deno.test("placedDraft: generation 1 fixed by the placing time; none without a usable time", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  const placedAt = new Date("2026-12-02T11:59:58Z");
  assert.deepEqual(placedDraft(placedAt, now, 30), {
    createdAt: placedAt,
    expiresAt: checkoutExpiry(placedAt, 30),
    generation: 1,
    placed: true,
  });
  assert.equal(placedCheckoutKey("o-1", placedAt), `checkout-o-1-at${placedAt.getTime()}`);
  assert.notEqual(placedCheckoutKey("o-1", placedAt), checkoutIdempotencyKey("o-1"));
  assert.deepEqual(
    placedDraft(placedAt, new Date(now.getTime() + 3_600_000), 30)?.expiresAt,
    checkoutExpiry(placedAt, 30),
    "the same for every attempt",
  );
  assert.equal(placedDraft(undefined, now, 30), undefined);
  assert.equal(placedDraft(new Date(NaN), now, 30), undefined);
  assert.ok(placedDraft(new Date(now.getTime() + MAX_PLACED_AHEAD_MS), now, 30), "a clock a little ahead");
  assert.equal(placedDraft(new Date(now.getTime() + MAX_PLACED_AHEAD_MS + 1), now, 30), undefined);
});
