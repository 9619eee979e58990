import assert from "node:assert/strict";
import { PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import { firedCounts, resetFiredCounts } from "../../common/flags/fired.ts";
import { useFlagValues } from "../../common/flags/testing.ts";
import { anOrder, inMemoryPayments, outbox } from "../testing/fixtures.ts";
import { FLAG_DECLINE_REASON } from "./failure_flags.ts";
import { LocalPaymentProvider } from "./local.ts";

Deno.test("paymentDeclineRate at 1: a paid checkout is recorded as a decline through the provider-event path (payment failed, payment.failed with the flag's reason)", async () => {
  resetFiredCounts();
  const flags = useFlagValues({ paymentDeclineRate: 1 });
  const { payments, kv } = await inMemoryPayments(new LocalPaymentProvider("http://shop.test"));
  try {
    const link = await payments.createPaymentLink(anOrder());
    const after = await payments.completeLocalCheckout(link.sessionId, "succeeded");
    assert.equal(after.status, PaymentStatus.PAYMENT_STATUS_FAILED);
    const failed = await outbox(kv, "payment.failed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.body.reason, FLAG_DECLINE_REASON);
    assert.deepEqual(await outbox(kv, "payment.succeeded"), []);
    assert.equal(firedCounts().paymentDeclineRate, 1);

    flags.set("paymentDeclineRate", 0);
    const next = await payments.createPaymentLink(anOrder());
    assert.equal(
      (await payments.completeLocalCheckout(next.sessionId, "succeeded")).status,
      PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
      "with the flag off, a payment succeeds",
    );
  } finally {
    flags.restore();
    kv.close();
  }
});

Deno.test("paymentProviderLatencyMs delays each provider call by its value", async () => {
  resetFiredCounts();
  const { payments, kv } = await inMemoryPayments(new LocalPaymentProvider("http://shop.test"));
  const flags = useFlagValues({ paymentProviderLatencyMs: 150 });
  try {
    const started = performance.now();
    await payments.createPaymentLink(anOrder());
    const ms = performance.now() - started;
    assert.ok(ms >= 145, `createCheckout took ${ms.toFixed(0)} ms, expected the flag's 150 ms at least`);
    assert.equal(firedCounts().paymentProviderLatencyMs, 1);
  } finally {
    flags.restore();
    kv.close();
  }
});
