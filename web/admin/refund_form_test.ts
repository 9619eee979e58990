import assert from "node:assert/strict";
import { formatMinor, parseMajor, parseRefundForm, refundableOf } from "./refund_form.ts";

const order = {
  status: "preparing",
  total: { amount: 2050, currency: "EUR" },
  refunds: [{
    id: "r1",
    amount: { amount: 500, currency: "EUR" },
    reason: "",
    by: "",
    at: null,
    providerRefundId: "re_1",
  }],
};

Deno.test("amounts are typed in major units with a dot or a comma, at most the currency's decimals", () => {
  assert.equal(parseMajor("5", "EUR"), 500);
  assert.equal(parseMajor("5.5", "EUR"), 550);
  assert.equal(parseMajor(" 5,05 ", "EUR"), 505);
  assert.equal(parseMajor("5.055", "EUR"), null);
  assert.equal(parseMajor("-5", "EUR"), null);
  assert.equal(parseMajor("5e2", "EUR"), null);
  assert.equal(parseMajor("500", "JPY"), 500);
  assert.equal(parseMajor("5.5", "JPY"), null);
  assert.equal(formatMinor(1550, "EUR"), "15.50");
  assert.equal(formatMinor(1550, "JPY"), "1550");
});

Deno.test("the refund form needs an amount up to what is left, a reason and the ticked confirmation", () => {
  assert.equal(refundableOf(order), 1550);
  const ok = parseRefundForm({ amount: "15.50", reason: " Cold ", confirmed: true, key: "k-1" }, order);
  assert.deepEqual(ok, {
    ok: true,
    request: { amount: { amount: 1550, currency: "EUR" }, reason: "Cold", key: "k-1" },
  });
  const badKey = parseRefundForm({ amount: "1", reason: "x", confirmed: true, key: "a b" }, order);
  assert.equal(badKey.ok && badKey.request.key, "", "a malformed key is dropped (orders then makes one)");
  const field = (amount: string, reason: string, confirmed: boolean) => {
    const r = parseRefundForm({ amount, reason, confirmed, key: "" }, order);
    return r.ok ? "ok" : r.error.field;
  };
  assert.equal(field("", "Cold", true), "amount");
  assert.equal(field("0", "Cold", true), "amount");
  assert.equal(field("15.51", "Cold", true), "amount");
  assert.equal(field("1", " ", true), "reason");
  assert.equal(field("1", "x".repeat(201), true), "reason");
  assert.equal(field("1", "Cold", false), "confirm");
  const tooMuch = parseRefundForm({ amount: "20", reason: "x", confirmed: true, key: "" }, order);
  assert.equal(!tooMuch.ok && tooMuch.error.message, "At most 15.50 EUR is left to refund, not 20.00");
});

Deno.test("a submit that finishes the refund in flight may ask for its amount again", () => {
  const pending = {
    ...order,
    refunds: [...order.refunds, {
      id: "r2",
      amount: { amount: 1550, currency: "EUR" },
      reason: "x",
      by: "",
      at: null,
      providerRefundId: "",
    }],
  };
  assert.equal(refundableOf(pending), 0);
  assert.equal(refundableOf(pending, "r2"), 1550);
  assert.equal(refundableOf(pending, "r1"), 0, "a confirmed refund's id frees nothing");
  assert.ok(parseRefundForm({ amount: "15.50", reason: "x", confirmed: true, key: "r2" }, pending).ok);
  assert.ok(!parseRefundForm({ amount: "15.50", reason: "x", confirmed: true, key: "r3" }, pending).ok);
});
