import assert from "node:assert/strict";
import { EventObserver, eventually, publishRaw, testBusConfig } from "../common/bus/testing.ts";
import { encodeEvent } from "../common/events.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { createLogger } from "../common/log.ts";
import { newTraceparent, traceIdOf, traceMetadata } from "../common/trace.ts";
import { HealthCheckResponse_ServingStatus, HealthClient } from "../common/gen/grpc/health/v1/health.ts";
import { DeadLettersServiceClient } from "../common/gen/oms/deadletters/v1/deadletters.ts";
import { OrdersServiceClient, OrderStatus } from "../common/gen/oms/orders/v1/orders.ts";
import { loadConfig, type OrdersConfig } from "./config.ts";
import { PAID_AFTER_CANCEL, REFUNDED_AFTER_CANCEL } from "./domain/note.ts";
import { type OrdersHandle, start } from "./service.ts";
import { type StubPayments, stubPaymentsServer, type StubStock, stubStockServer } from "./stub_peers_test.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";

const log = createLogger("orders", "error");

interface Ctx {
  client: OrdersServiceClient;
  handle: OrdersHandle;
  config: OrdersConfig;
  observer: EventObserver;
  stock: StubStock;
  payments: StubPayments;
}

/** Runs `fn` against a started orders service on an isolated exchange of the real RabbitMQ. */
async function withService(fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orders-svc-" });
  const bus = await testBusConfig(dir);
  const stock = await stubStockServer();
  const payments = await stubPaymentsServer();
  const config: OrdersConfig = {
    host: "127.0.0.1",
    port: 0,
    kvPath: `${dir}/orders.kv`,
    stockAddr: stock.addr,
    paymentsAddr: payments.addr,
    stockTimeoutMs: 3000,
    paymentsTimeoutMs: 1000,
    common: bus.config,
  };
  const observer = await EventObserver.start(bus.config);
  const handle = await start(config, log);
  // acts as staff (every call carries a valid staff claim), like web's admin
  const client = connect(OrdersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN, {
    staff: TEST_STAFF,
  });
  try {
    await fn({ client, handle, config, observer, stock, payments });
  } finally {
    client.close();
    await handle.stop();
    await observer.close();
    await stock.stop();
    await payments.stop();
    await bus.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
}

async function statusOf(client: OrdersServiceClient, orderId: string): Promise<OrderStatus | undefined> {
  return (await rpc(client, "getOrder", { orderId, customerId: "", admin: true })).order?.status;
}

Deno.test("loadConfig reads orders' variables with their defaults", () => {
  const c = loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, DATA_DIR: "/tmp/d" });
  assert.deepEqual([c.host, c.port, c.kvPath, c.stockAddr, c.paymentsAddr, c.paymentsTimeoutMs], [
    "127.0.0.1",
    50051,
    "/tmp/d/orders.kv",
    "127.0.0.1:50052",
    "127.0.0.1:50053",
    3000,
  ]);
  const d = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ORDERS_GRPC_PORT: "0",
    ORDERS_KV_PATH: ":memory:",
    PAYMENTS_TIMEOUT_MS: "50",
  });
  assert.deepEqual([d.port, d.kvPath, d.paymentsTimeoutMs], [0, ":memory:", 50]);
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, PAYMENTS_TIMEOUT_MS: "soon" }),
    /PAYMENTS_TIMEOUT_MS/,
  );
});

Deno.test("an order travels through RabbitMQ: payment and kitchen events in, once each; its order.created, held, never goes out", async () => {
  await withService(async ({ client, handle, config, observer }) => {
    const health = connect(HealthClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
    try {
      const res = await rpc(health, "check", { service: "oms.orders.v1.OrdersService" });
      assert.equal(res.status, HealthCheckResponse_ServingStatus.SERVING);
    } finally {
      health.close();
    }

    const tp = newTraceparent();
    const { order } = await rpc(client, "createOrder", {
      customerId: "alice",
      items: [{ itemId: "pizza", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    }, { metadata: traceMetadata(tp) });
    const id = order!.id;
    assert.equal(order!.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT, "payments answered with the link");

    const paidTp = newTraceparent();
    const succeeded = encodeEvent("payment.succeeded", {
      orderId: id,
      sessionId: "s1",
      providerEventId: "evt_1",
      amount: { amount: 900, currency: "EUR" },
      paidAt: new Date(),
    });
    const messageId = crypto.randomUUID();
    await publishRaw(config.common, "payment.succeeded", succeeded, {
      messageId,
      headers: { traceparent: paidTp },
    });
    await publishRaw(config.common, "payment.succeeded", succeeded, { messageId }); // redelivered
    await publishRaw(config.common, "payment.succeeded", succeeded, { messageId: crypto.randomUUID() }); // re-sent
    await publishRaw(
      config.common,
      "kitchen.ticket_started",
      encodeEvent("kitchen.ticket_started", { orderId: id, startedAt: new Date() }),
      { messageId: crypto.randomUUID() },
    );
    await publishRaw(
      config.common,
      "kitchen.ticket_ready",
      encodeEvent("kitchen.ticket_ready", { orderId: id, readyAt: new Date() }),
      { messageId: crypto.randomUUID() },
    );
    await eventually(
      async () => (await statusOf(client, id)) === OrderStatus.ORDER_STATUS_READY,
      "order ready",
    );

    const { order: ready } = await rpc(client, "getOrder", {
      orderId: id,
      customerId: "alice",
      admin: false,
    });
    assert.deepEqual(ready!.timeline.map((t) => [t.status, t.cause]), [
      [OrderStatus.ORDER_STATUS_PENDING, "customer"],
      [OrderStatus.ORDER_STATUS_WAITING_PAYMENT, "payments.create_link"],
      [OrderStatus.ORDER_STATUS_PAID, "payment.succeeded"],
      [OrderStatus.ORDER_STATUS_PREPARING, "kitchen.ticket_started"],
      [OrderStatus.ORDER_STATUS_READY, "kitchen.ticket_ready"],
    ]);
    assert.equal(ready!.timeline[2]!.traceId, traceIdOf(paidTp));

    const { order: done } = await rpc(client, "advanceOrder", { orderId: id });
    assert.equal(done?.status, OrderStatus.ORDER_STATUS_COMPLETED);
    await observer.waitFor((es) => es.some((e) => e.routingKey === "order.completed"), "order.completed");
    assert.equal(observer.of("order.paid", id).length, 1, "one order.paid for three deliveries");
    assert.equal(traceIdOf(observer.of("order.paid", id)[0]!.traceparent), traceIdOf(paidTp));
    // its hold (the 1 s deadline of the call to payments and 2 s) is long over, and a scan has run
    assert.equal(observer.of("order.created", id).length, 0, "taken back when the link was attached");
  });
});

Deno.test("payments down at checkout: the held order.created goes out after the call's deadline and 2 s, and payment.link_created brings the link", async () => {
  await withService(async ({ client, config, observer, payments }) => {
    await payments.stop(); // the call fails at once
    const tp = newTraceparent();
    const placedAt = Date.now();
    const { order } = await rpc(client, "createOrder", {
      customerId: "alice",
      items: [{ itemId: "pizza", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    }, { metadata: traceMetadata(tp) });
    const id = order!.id;
    assert.equal(order!.status, OrderStatus.ORDER_STATUS_PENDING);
    await observer.waitFor((es) => es.some((e) => e.routingKey === "order.created"), "order.created", 15_000);
    const created = observer.of("order.created", id)[0]!;
    assert.ok(Date.now() - placedAt >= 3000, "not before its hold was over");
    assert.equal(created.body.customerId, "alice");
    assert.equal(traceIdOf(created.traceparent), traceIdOf(tp), "the trace travels in the message headers");
    await publishRaw(
      config.common,
      "payment.link_created",
      encodeEvent("payment.link_created", {
        orderId: id,
        provider: "local",
        sessionId: "s1",
        url: "http://127.0.0.1:8080/pay/s1",
        expiresAt: new Date(Date.now() + 3_600_000),
      }),
      { messageId: crypto.randomUUID() },
    );
    await eventually(
      async () => (await statusOf(client, id)) === OrderStatus.ORDER_STATUS_WAITING_PAYMENT,
      "link attached",
    );
  });
});

Deno.test("kitchen.ticket_ready that overtakes ticket_started is retried and then applied", async () => {
  await withService(async ({ client, config }) => {
    const { order } = await rpc(client, "createOrder", {
      customerId: "bob",
      items: [{ itemId: "cola", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    });
    const id = order!.id;
    await publishRaw(
      config.common,
      "payment.succeeded",
      encodeEvent("payment.succeeded", {
        orderId: id,
        sessionId: "s",
        providerEventId: "e",
        amount: undefined,
        paidAt: new Date(),
      }),
      { messageId: crypto.randomUUID() },
    );
    await eventually(
      async () => (await statusOf(client, id)) === OrderStatus.ORDER_STATUS_PAID,
      "order paid",
    );
    await publishRaw(
      config.common,
      "kitchen.ticket_ready",
      encodeEvent("kitchen.ticket_ready", { orderId: id, readyAt: new Date() }),
      { messageId: crypto.randomUUID() },
    );
    await publishRaw(
      config.common,
      "kitchen.ticket_started",
      encodeEvent("kitchen.ticket_started", { orderId: id, startedAt: new Date() }),
      { messageId: crypto.randomUUID() },
    );
    await eventually(
      async () => (await statusOf(client, id)) === OrderStatus.ORDER_STATUS_READY,
      "order ready",
    );
  });
});

Deno.test("an event about an unknown order is parked in orders' dead letters and the consumer goes on", async () => {
  await withService(async ({ client, handle, config }) => {
    await publishRaw(
      config.common,
      "payment.succeeded",
      encodeEvent("payment.succeeded", {
        orderId: "ghost",
        sessionId: "s",
        providerEventId: "e",
        amount: undefined,
        paidAt: new Date(),
      }),
      { messageId: "ghost-1" },
    );
    const dlq = connect(DeadLettersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
    try {
      const parked = await eventually(async () => {
        const { deadLetters } = await rpc(dlq, "listDeadLetters", { limit: 10 });
        return deadLetters.find((d) => d.messageId === "ghost-1");
      }, "the event parked");
      assert.equal(parked.service, "orders");
      assert.match(parked.reason, /Unknown order "ghost"/);
      assert.equal(parked.attempts, 1, "parked at once, not retried");
    } finally {
      dlq.close();
    }
    const { order } = await rpc(client, "createOrder", {
      customerId: "carol",
      items: [{ itemId: "pizza", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    });
    await publishRaw(
      config.common,
      "payment.expired",
      encodeEvent("payment.expired", { orderId: order!.id, sessionId: "s", providerEventId: "x" }),
      { messageId: crypto.randomUUID() },
    );
    await eventually(
      async () => (await statusOf(client, order!.id)) === OrderStatus.ORDER_STATUS_CANCELLED,
      "order cancelled",
    );
  });
});

Deno.test("payment.succeeded and payment.refunded for a cancelled order are noted on its timeline, not parked", async () => {
  await withService(async ({ client, handle, config, observer }) => {
    const { order } = await rpc(client, "createOrder", {
      customerId: "dave",
      items: [{ itemId: "pizza", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    });
    const id = order!.id;
    await rpc(client, "cancelOrder", { orderId: id, customerId: "dave", admin: false, reason: "" });
    const succeeded = encodeEvent("payment.succeeded", {
      orderId: id,
      sessionId: "s",
      providerEventId: "evt_late",
      amount: order!.total,
      paidAt: new Date(),
    });
    await publishRaw(config.common, "payment.succeeded", succeeded, { messageId: crypto.randomUUID() });
    await publishRaw(config.common, "payment.succeeded", succeeded, { messageId: crypto.randomUUID() });
    await publishRaw(
      config.common,
      "payment.refunded",
      encodeEvent("payment.refunded", { orderId: id, refundId: "re_1", amount: order!.total }),
      { messageId: crypto.randomUUID() },
    );
    const causes = await eventually(async () => {
      const o = (await rpc(client, "getOrder", { orderId: id, customerId: "", admin: true })).order!;
      const c = o.timeline.map((t) => t.cause);
      return c.includes(REFUNDED_AFTER_CANCEL) && c.includes(PAID_AFTER_CANCEL) ? c : undefined;
    }, "both notes");
    assert.deepEqual(causes.filter((c) => c === PAID_AFTER_CANCEL).length, 1);
    assert.equal(await statusOf(client, id), OrderStatus.ORDER_STATUS_CANCELLED);
    assert.equal(observer.of("order.paid", id).length, 0, "the kitchen never hears of it");
    const dlq = connect(DeadLettersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
    try {
      assert.deepEqual((await rpc(dlq, "listDeadLetters", { limit: 10 })).deadLetters, []);
    } finally {
      dlq.close();
    }
  });
});
