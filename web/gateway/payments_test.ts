import assert from "node:assert/strict";
import { LocalOutcome, PaymentStatus } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { rejectsWith, startGatewaySystem, TEST_OPTS } from "./testing.ts";

Deno.test(
  "payments facade: reads and completes the local checkout of an order; webhooks and unknown sessions fail typed",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const order = await sys.customer.orders.create("alice", [{ itemId: "1", quantity: 2 }], "");
      const sessionId = order.paymentLink.split("/").at(-1) ?? "";
      assert.match(sessionId, /^local_cs_[0-9a-f]{32}$/);

      const open = await sys.customer.payments.checkoutSession(sessionId);
      assert.deepEqual([open.orderId, open.status], [order.id, PaymentStatus.PAYMENT_STATUS_OPEN]);
      assert.deepEqual(open.amount, order.total);
      assert.deepEqual(open.items.map((l) => [l.itemId, l.quantity]), [["1", 2]]);

      const paid = await sys.customer.payments.completeLocalCheckout(
        sessionId,
        LocalOutcome.LOCAL_OUTCOME_PAY,
      );
      assert.deepEqual([paid.orderId, paid.status], [order.id, PaymentStatus.PAYMENT_STATUS_SUCCEEDED]);

      const unknown = await rejectsWith(
        sys.customer.payments.checkoutSession(`local_cs_${"0".repeat(32)}`),
        404,
        "not_found",
      );
      assert.equal(unknown.field, "sessionId");
      const webhook = await rejectsWith(
        sys.customer.payments.handleProviderEvent("stripe", new TextEncoder().encode("{}"), "t=1,v1=x"),
        422,
        "invalid_argument",
      );
      assert.match(webhook.message, /Unknown payment provider "stripe"/);
    } finally {
      await sys.stop();
    }
  },
);
