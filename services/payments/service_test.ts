import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { EventObserver, eventually, publishRaw, testBusConfig } from "../common/bus/testing.ts";
import { RpcError } from "../common/errors.ts";
import { encodeEvent } from "../common/events.ts";
import {
  LocalOutcome,
  PaymentsServiceClient,
  PaymentStatus,
} from "../common/gen/oms/payments/v1/payments.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { DeadLettersServiceClient } from "../common/gen/oms/deadletters/v1/deadletters.ts";
import type { Logger } from "../common/log.ts";
import { traceIdOf, traceMetadata } from "../common/trace.ts";
import type { PaymentsConfig } from "./config.ts";
import { type PaymentsHandle, pickProvider, start } from "./service.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import { anOrder } from "./testing/fixtures.ts";
import { StripeStandIn } from "./testing/stripe_stand_in.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";

const TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const SECRET = "whsec_service_test";

/** A logger that keeps the messages it was given. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (msg: string) => void lines.push(msg);
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

interface Ctx {
  client: PaymentsServiceClient;
  config: PaymentsConfig;
  observer: EventObserver;
  handle: PaymentsHandle;
  standIn: StripeStandIn;
  log: Logger & { lines: string[] };
}

/** Runs `fn` against a started payments service (Stripe stand-in unless `local`) on an isolated exchange. */
async function withPayments(local: boolean, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "payments-svc-" });
  const bus = await testBusConfig(dir);
  const standIn = StripeStandIn.start();
  const config: PaymentsConfig = {
    host: "127.0.0.1",
    port: 0,
    kvPath: `${dir}/payments.kv`,
    publicUrl: "http://shop.test",
    paymentExpiryMinutes: 30,
    ...(local ? {} : { stripe: { secretKey: "sk_test_svc", webhookSecret: SECRET, apiUrl: standIn.url } }),
    reconcile: { intervalMs: 60_000, windowMs: 24 * 3600_000, graceMs: 30_000 },
    common: bus.config,
  };
  const log = recordingLog();
  const observer = await EventObserver.start(bus.config, "payment.#");
  const handle = await start(config, { log });
  const client = connect(PaymentsServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
  try {
    await fn({ client, config, observer, handle, standIn, log });
  } finally {
    client.close();
    await handle.stop();
    await observer.close();
    await bus.cleanup();
    await standIn.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function publishCreated(config: PaymentsConfig, order = anOrder(), messageId = crypto.randomUUID()) {
  const body = encodeEvent("order.created", {
    ...order,
    createdAt: new Date(),
    number: 0,
    details: undefined,
  });
  await publishRaw(config.common, "order.created", body, { messageId, headers: { traceparent: TRACE } });
  return order;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<RpcError> {
  let caught: unknown;
  await p.catch((err) => caught = err);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

Deno.test("pickProvider warns when the local provider runs outside development by PAYMENTS_ALLOW_LOCAL_PROVIDER", async () => {
  const base = {
    host: "127.0.0.1",
    port: 0,
    kvPath: ":memory:",
    publicUrl: "http://shop.test",
    paymentExpiryMinutes: 30,
  };
  // no broker is touched here: a config shape is all pickProvider reads
  const common = {
    amqpUrl: "memory",
    exchange: "x",
    queuePrefix: "q",
    dataDir: ":memory:",
    retryDelaysMs: [10],
    serviceToken: TEST_SERVICE_TOKEN,
  };
  const warned = async (localProvider: "development" | "allowed") => {
    const lines: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => void lines.push(m), error() {} };
    const provider = await pickProvider({ ...base, common, localProvider }, log);
    assert.ok(provider instanceof LocalPaymentProvider);
    return lines;
  };
  assert.deepEqual(await warned("development"), []);
  assert.match((await warned("allowed")).join("\n"), /PAYMENTS_ALLOW_LOCAL_PROVIDER=true: it takes no money/);
});

Deno.test("order.created over RabbitMQ creates the Stripe checkout once and announces its link once per message; a redelivery adds nothing", async () => {
  await withPayments(false, async ({ client, config, observer, handle, standIn, log }) => {
    assert.ok(log.lines.includes("payments: using Stripe Checkout"));
    assert.ok(handle.reconcile, "with Stripe, the reconciliation job runs");
    const messageId = crypto.randomUUID();
    const order = await publishCreated(config, anOrder(), messageId);
    await publishCreated(config, order, messageId); // broker redelivery of the same message
    await publishCreated(config, order); // the same fact published again under a new message id
    const consumer = handle.messaging.consumer!;
    await eventually(
      () => consumer.stats.processed + consumer.stats.duplicate === 3,
      "three deliveries handled",
    );
    await observer.waitFor(
      () => observer.of("payment.link_created", order.orderId).length >= 2,
      "payment.link_created of both messages",
    );
    const { payment } = await rpc(client, "getPayment", { orderId: order.orderId });
    assert.equal(payment?.status, PaymentStatus.PAYMENT_STATUS_OPEN);
    assert.equal(standIn.sessions.size, 1, "one Stripe session");
    const sent = standIn.sessionCreations[0]!.params;
    assert.equal((sent.metadata as Record<string, string>).order_id, order.orderId);
    assert.ok(Array.isArray(sent.line_items) && sent.line_items.length === 2);
    const again = await rpc(client, "createPaymentLink", order);
    assert.equal(again.payment?.sessionId, payment?.sessionId);
    await new Promise((r) => setTimeout(r, 200));
    // one announcement per message id: the redelivery was a duplicate, CreatePaymentLink announces nothing
    const links = observer.of("payment.link_created", order.orderId);
    assert.equal(links.length, 2);
    assert.equal(new Set(links.map((l) => l.messageId)).size, 2);
    for (const link of links) {
      assert.equal(link.body.sessionId, payment?.sessionId);
      assert.equal(link.body.url, payment?.url);
      assert.equal(traceIdOf(link.traceparent), traceIdOf(TRACE), "trace carried from order.created");
    }
    assert.deepEqual(observer.events.map((e) => e.routingKey), [
      "payment.link_created",
      "payment.link_created",
    ]);
  });
});

Deno.test("a signed Stripe webhook over gRPC publishes payment.succeeded once; a bad signature is refused", async () => {
  await withPayments(false, async ({ client, observer, standIn }) => {
    const order = anOrder();
    const { payment } = await rpc(client, "createPaymentLink", order);
    const sessionId = payment!.sessionId;
    standIn.pay(sessionId);
    const forged = await standIn.signed(
      standIn.event("checkout.session.completed", sessionId),
      "whsec_forged",
    );
    const err = await rejectsWith(
      rpc(client, "handleProviderEvent", {
        provider: "stripe",
        payload: Buffer.from(forged.payload),
        signature: forged.signature,
      }),
      "invalid_argument",
    );
    assert.equal(err.field, "stripe-signature");
    assert.equal(
      (await rpc(client, "getPayment", { orderId: order.orderId })).payment?.status,
      PaymentStatus.PAYMENT_STATUS_OPEN,
    );
    const good = await standIn.signed(standIn.event("checkout.session.completed", sessionId), SECRET);
    const req = { provider: "stripe", payload: Buffer.from(good.payload), signature: good.signature };
    const first = await rpc(client, "handleProviderEvent", req, { metadata: traceMetadata(TRACE) });
    const second = await rpc(client, "handleProviderEvent", req);
    assert.deepEqual([first.firstDelivery, second.firstDelivery], [true, false]);
    await observer.waitFor((e) => e.some((x) => x.routingKey === "payment.succeeded"), "payment.succeeded");
    await new Promise((r) => setTimeout(r, 200));
    const succeeded = observer.of("payment.succeeded", order.orderId);
    assert.equal(succeeded.length, 1);
    assert.deepEqual(succeeded[0]!.body.amount, { amount: 2050, currency: "EUR" });
    assert.equal(traceIdOf(succeeded[0]!.traceparent), traceIdOf(TRACE));
    const refunded = await rpc(client, "refund", { orderId: order.orderId, reason: "test" });
    assert.equal(refunded.payment?.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    await observer.waitFor((e) => e.some((x) => x.routingKey === "payment.refunded"), "payment.refunded");
  });
});

Deno.test("with no Stripe key the local pay page pays, declines and expires through the same path", async () => {
  await withPayments(true, async ({ client, observer, log, handle }) => {
    assert.ok(log.lines.includes("payments: no STRIPE_SECRET_KEY, using the local payment provider"));
    assert.equal(
      handle.reconcile,
      undefined,
      "the local provider has no webhooks to lose: no reconciliation",
    );
    const outcomes = [
      [LocalOutcome.LOCAL_OUTCOME_PAY, PaymentStatus.PAYMENT_STATUS_SUCCEEDED, "payment.succeeded"],
      [LocalOutcome.LOCAL_OUTCOME_DECLINE, PaymentStatus.PAYMENT_STATUS_FAILED, "payment.failed"],
      [LocalOutcome.LOCAL_OUTCOME_EXPIRE, PaymentStatus.PAYMENT_STATUS_EXPIRED, "payment.expired"],
    ] as const;
    for (const [outcome, status, key] of outcomes) {
      const order = anOrder();
      const { payment } = await rpc(client, "createPaymentLink", order);
      assert.equal(payment?.url, `http://shop.test/pay/${payment?.sessionId}`);
      const page = await rpc(client, "getCheckoutSession", { sessionId: payment!.sessionId });
      assert.equal(page.payment?.orderId, order.orderId);
      const done = await rpc(client, "completeLocalCheckout", { sessionId: payment!.sessionId, outcome });
      assert.equal(done.payment?.status, status);
      await observer.waitFor(
        (e) => e.some((x) => x.routingKey === key && x.body.orderId === order.orderId),
        key,
      );
    }
    await rejectsWith(rpc(client, "getCheckoutSession", { sessionId: "local_cs_unknown" }), "not_found");
    await rejectsWith(
      rpc(client, "completeLocalCheckout", {
        sessionId: "local_cs_unknown",
        outcome: LocalOutcome.LOCAL_OUTCOME_PAY,
      }),
      "not_found",
    );
    await rejectsWith(rpc(client, "refund", { orderId: "o-none", reason: "" }), "not_found");
    const unspecified = await rejectsWith(
      rpc(client, "completeLocalCheckout", {
        sessionId: "local_cs_x",
        outcome: LocalOutcome.LOCAL_OUTCOME_UNSPECIFIED,
      }),
      "invalid_argument",
    );
    assert.equal(unspecified.field, "outcome");
    assert.equal(
      (await rejectsWith(rpc(client, "getPayment", { orderId: "" }), "invalid_argument")).field,
      "order_id",
    );
  });
});

Deno.test("order.cancelled over RabbitMQ expires the open Stripe checkout", async () => {
  await withPayments(false, async ({ client, config, standIn }) => {
    const order = anOrder();
    const { payment } = await rpc(client, "createPaymentLink", order);
    const body = encodeEvent("order.cancelled", {
      orderId: order.orderId,
      reason: "customer",
      cancelledAt: new Date(),
    });
    await publishRaw(config.common, "order.cancelled", body, { messageId: crypto.randomUUID() });
    await eventually(
      async () =>
        (await rpc(client, "getPayment", { orderId: order.orderId })).payment?.status ===
          PaymentStatus.PAYMENT_STATUS_EXPIRED,
      "payment expired",
    );
    assert.equal(standIn.sessions.get(payment!.sessionId)?.status, "expired");
  });
});

Deno.test("over RabbitMQ: a Stripe checkout completed for an order already cancelled is refunded once, nothing parked", async () => {
  await withPayments(false, async ({ client, config, observer, standIn, handle }) => {
    const order = anOrder();
    const { payment } = await rpc(client, "createPaymentLink", order);
    const sessionId = payment!.sessionId;
    standIn.pay(sessionId); // paid at Stripe while the order was being cancelled
    const body = encodeEvent("order.cancelled", {
      orderId: order.orderId,
      reason: "customer",
      cancelledAt: new Date(),
    });
    await publishRaw(config.common, "order.cancelled", body, { messageId: crypto.randomUUID() });
    await eventually(
      async () => (await handle.kv.get(["cancelled_orders", order.orderId])).value,
      "order.cancelled handled",
    );
    const good = await standIn.signed(standIn.event("checkout.session.completed", sessionId), SECRET);
    const req = { provider: "stripe", payload: Buffer.from(good.payload), signature: good.signature };
    await rpc(client, "handleProviderEvent", req);
    await rpc(client, "handleProviderEvent", req);
    await observer.waitFor((e) => e.some((x) => x.routingKey === "payment.refunded"), "payment.refunded");
    await publishRaw(config.common, "order.cancelled", body, { messageId: crypto.randomUUID() });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(observer.of("payment.succeeded", order.orderId).length, 1);
    assert.equal(observer.of("payment.refunded", order.orderId).length, 1);
    assert.equal(standIn.refunds.size, 1);
    const after = await rpc(client, "getPayment", { orderId: order.orderId });
    assert.equal(after.payment?.status, PaymentStatus.PAYMENT_STATUS_REFUNDED);
    const dlq = connect(DeadLettersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
    try {
      assert.deepEqual((await rpc(dlq, "listDeadLetters", { limit: 10 })).deadLetters, []);
    } finally {
      dlq.close();
    }
  });
});
