import assert from "node:assert/strict";
import { PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import { firedCounts, resetFiredCounts } from "../../common/flags/fired.ts";
import { useFlagValues } from "../../common/flags/testing.ts";
import { anOrder, inMemoryPayments, outbox } from "../testing/fixtures.ts";
import { DECLINE_IGNORED_MSG, FLAG_DECLINE_REASON } from "./failure_flags.ts";
import { LocalPaymentProvider } from "./local.ts";
import type { Checkout, CheckoutRequest, PaymentProvider, ProviderEvent } from "./provider.ts";
import { PaymentsApp } from "../app.ts";
import { unitOfWork } from "../../common/unit_of_work.ts";
import { RecordingLogger } from "../../common/flags/testing.ts";

Deno.test("paymentDeclineRate at 1 with the local provider: Pay on the pay page becomes a decline before any event is made (payment failed, payment.failed with the flag's reason)", async () => {
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

/** A provider that moves money (named "stripe"): events are trusted as given (no signature here). */
class ChargingProvider implements PaymentProvider {
  readonly name = "stripe";
  createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const sessionId = `cs_${request.orderId}`;
    return Promise.resolve({ sessionId, url: `https://pay.test/${sessionId}`, expiresAt: request.expiresAt });
  }
  parseEvent(payload: Uint8Array): Promise<ProviderEvent | null> {
    return Promise.resolve(JSON.parse(new TextDecoder().decode(payload)) as ProviderEvent);
  }
  expire() {
    return Promise.resolve({ expired: true });
  }
  refund() {
    return Promise.resolve({ refundId: "re_1" });
  }
}

Deno.test("paymentDeclineRate is ignored with a provider that moves money: a Stripe success stays a success (the customer was charged), and a warning says once that the flag is ignored and why", async () => {
  resetFiredCounts();
  const log = new RecordingLogger();
  const kv = await Deno.openKv(":memory:");
  const payments = new PaymentsApp({
    kv,
    uow: unitOfWork({ kv, kick: () => {}, log }),
    provider: new ChargingProvider(),
    publicUrl: "http://shop.test",
    expiryMinutes: 30,
    log,
  });
  const flags = useFlagValues({ paymentDeclineRate: 1 });
  try {
    for (const n of [1, 2]) {
      const link = await payments.createPaymentLink(anOrder());
      const event: ProviderEvent = {
        id: `evt_${n}`,
        type: "succeeded",
        sessionId: link.sessionId,
        orderId: link.orderId,
        paymentRef: `pi_${n}`,
      };
      const result = await payments.handleProviderEvent(
        "stripe",
        new TextEncoder().encode(JSON.stringify(event)),
        "sig",
      );
      assert.equal(result.payment?.status, PaymentStatus.PAYMENT_STATUS_SUCCEEDED);
      assert.equal(result.payment?.paymentRef, `pi_${n}`, "the payment reference (for refunds) is kept");
    }
    assert.equal((await outbox(kv, "payment.succeeded")).length, 2);
    assert.deepEqual(await outbox(kv, "payment.failed"), []);
    assert.equal(firedCounts().paymentDeclineRate, undefined, "the flag never fired");
    const warned = log.at("warn").filter((l) => l.msg === DECLINE_IGNORED_MSG);
    assert.equal(warned.length, 1, "warned once");
    assert.equal(warned[0]!.fields.provider, "stripe");
  } finally {
    flags.restore();
    kv.close();
  }
});
