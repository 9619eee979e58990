import assert from "node:assert/strict";
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import type { PaymentRecord } from "./domain/lifecycle.ts";
import {
  cancelledOrderKey,
  paymentKey,
  providerEventKey,
  readByEvent,
  readCancelled,
  readEventState,
  readHandled,
  sessionKey,
} from "./store.ts";

function payment(orderId: string, sessionId: string): PaymentRecord {
  return {
    orderId,
    customerId: "c-1",
    provider: "local",
    sessionId,
    url: `http://shop.test/pay/${sessionId}`,
    status: PaymentStatus.PAYMENT_STATUS_OPEN,
    amount: { amount: 100, currency: "EUR" },
    items: [],
    createdAt: new Date("2030-01-01T00:00:00Z"),
    updatedAt: new Date("2030-01-01T00:00:00Z"),
    expiresAt: new Date("2030-01-01T00:30:00Z"),
  };
}

/** readEventState against the reads it stands for (readHandled, readByEvent, readCancelled). */
async function sameAsSeparateReads(kv: Deno.Kv, event: { id: string; sessionId: string; orderId: string }) {
  const state = await readEventState(kv, "local", event);
  const marker = await readHandled(kv, "local", event.id);
  const entry = await readByEvent(kv, event);
  const cancelled = entry?.value ? await readCancelled(kv, entry.value.orderId) : null;
  assert.deepEqual(state, { marker, entry, cancelled });
  return state;
}

Deno.test("readEventState reads what readHandled, readByEvent and readCancelled read, in every index case", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // o-1: indexed, cancelled, its event handled; o-2: payment without index entry; o-3: index names o-4
    await kv.set(paymentKey("o-1"), payment("o-1", "s-1"));
    await kv.set(sessionKey("s-1"), "o-1");
    await kv.set(cancelledOrderKey("o-1"), { cancelledAt: new Date(0), messageId: "m" });
    await kv.set(providerEventKey("local", "e-1"), {
      orderId: "o-1",
      type: "succeeded",
      handledAt: new Date(0),
    });
    await kv.set(paymentKey("o-2"), payment("o-2", "s-2"));
    await kv.set(paymentKey("o-3"), payment("o-3", "s-3"));
    await kv.set(paymentKey("o-4"), payment("o-4", "s-3"));
    await kv.set(sessionKey("s-3"), "o-4");

    const handled = await sameAsSeparateReads(kv, { id: "e-1", sessionId: "s-1", orderId: "o-1" });
    assert.notEqual(handled.marker.versionstamp, null);
    assert.notEqual(handled.cancelled?.value, null);
    assert.equal(
      (await sameAsSeparateReads(kv, { id: "e-2", sessionId: "s-1", orderId: "" })).entry?.value?.orderId,
      "o-1",
    );
    // no index entry: by the order when its session matches, else nothing
    assert.equal(
      (await sameAsSeparateReads(kv, { id: "e-3", sessionId: "s-2", orderId: "o-2" })).entry?.value?.orderId,
      "o-2",
    );
    assert.equal(
      (await sameAsSeparateReads(kv, { id: "e-4", sessionId: "s-9", orderId: "o-2" })).entry,
      null,
    );
    assert.equal((await sameAsSeparateReads(kv, { id: "e-5", sessionId: "s-2", orderId: "" })).entry, null);
    // the index names another order: that one
    assert.equal(
      (await sameAsSeparateReads(kv, { id: "e-6", sessionId: "s-3", orderId: "o-3" })).entry?.value?.orderId,
      "o-4",
    );
    assert.equal(
      (await sameAsSeparateReads(kv, { id: "e-7", sessionId: "s-none", orderId: "o-none" })).entry,
      null,
    );
  } finally {
    kv.close();
  }
});
