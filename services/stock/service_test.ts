import assert from "node:assert/strict";
import { eventually, publishRaw, testBusConfig } from "../common/bus/testing.ts";
import { encodeEvent } from "../common/events.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { createLogger } from "../common/log.ts";
import { ReservationStatus, StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import { HealthCheckResponse_ServingStatus, HealthClient } from "../common/gen/grpc/health/v1/health.ts";
import { DeadLettersServiceClient } from "../common/gen/oms/deadletters/v1/deadletters.ts";
import { OrdersServiceService } from "../common/gen/oms/orders/v1/orders.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { unary } from "../common/grpc_handler.ts";
import { lookupOrders } from "../orders/lookup.ts";
import { newOrder, type Order } from "../orders/domain/order.ts";
import { addCreate } from "../orders/store.ts";
import type { StockConfig } from "./config.ts";
import { start, type StockHandle } from "./service.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";

const log = createLogger("stock", "warn");

/** Runs `fn` against a started stock service on an isolated test exchange of the real RabbitMQ. */
async function withService(
  fn: (ctx: { client: StockServiceClient; handle: StockHandle; config: StockConfig }) => Promise<void>,
  overrides: Partial<StockConfig> = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stock-svc-" });
  const bus = await testBusConfig(dir);
  const config: StockConfig = {
    host: "127.0.0.1",
    port: 0,
    kvPath: `${dir}/stock.kv`,
    common: bus.config,
    ...overrides,
  };
  const handle = await start(config, log);
  const client = connect(StockServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
  try {
    await fn({ client, handle, config });
  } finally {
    client.close();
    await handle.stop();
    await bus.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
}

function paid(orderId: string): string {
  return encodeEvent("order.paid", {
    orderId,
    customerId: "c-1",
    items: [],
    paidAt: new Date(),
    number: 0,
    details: undefined,
  });
}

function created(orderId: string): string {
  return encodeEvent("order.created", {
    orderId,
    customerId: "c-1",
    items: [],
    total: { amount: 0, currency: "EUR" },
    createdAt: new Date(),
    number: 0,
    details: undefined,
  });
}

function cancelled(orderId: string): string {
  return encodeEvent("order.cancelled", { orderId, reason: "customer", cancelledAt: new Date() });
}

/** Publishes a marker cancellation and waits until it is handled: everything published before it was too. */
async function drain(client: StockServiceClient, config: StockConfig): Promise<void> {
  const orderId = `marker-${crypto.randomUUID()}`;
  await rpc(client, "reserveItems", { orderId, items: [{ itemId: "10", quantity: 1 }] });
  await publishRaw(config.common, "order.cancelled", cancelled(orderId), { messageId: crypto.randomUUID() });
  await eventually(async () => {
    const { reservation } = await rpc(client, "getReservation", { orderId });
    return reservation?.status === ReservationStatus.RESERVATION_STATUS_RELEASED;
  }, `marker ${orderId} released`);
}

Deno.test("stock starts SERVING with the demo menu and parks a malformed event in its dead letters", async () => {
  await withService(async ({ client, handle, config }) => {
    const health = connect(HealthClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
    try {
      const res = await rpc(health, "check", { service: "oms.stock.v1.StockService" });
      assert.equal(res.status, HealthCheckResponse_ServingStatus.SERVING);
    } finally {
      health.close();
    }
    assert.ok((await rpc(client, "listItems", {})).items.length >= 8);
    await publishRaw(config.common, "order.paid", "{not json", { messageId: "bad-1" });
    const dlq = connect(DeadLettersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
    try {
      const parked = await eventually(async () => {
        const { deadLetters } = await rpc(dlq, "listDeadLetters", { limit: 10 });
        return deadLetters.find((d) => d.messageId === "bad-1");
      }, "the malformed message parked");
      assert.equal(parked.routingKey, "order.paid");
      assert.equal(parked.service, "stock");
    } finally {
      dlq.close();
    }
  });
});

Deno.test("order.paid sells a reservation once even when delivered twice", async () => {
  await withService(async ({ client, config }) => {
    await rpc(client, "reserveItems", { orderId: "o-1", items: [{ itemId: "1", quantity: 2 }] });
    const id = crypto.randomUUID();
    // the same message redelivered, and the same fact published again under a new id
    await publishRaw(config.common, "order.paid", paid("o-1"), { messageId: id });
    await publishRaw(config.common, "order.paid", paid("o-1"), { messageId: id });
    await publishRaw(config.common, "order.paid", paid("o-1"), { messageId: crypto.randomUUID() });
    await drain(client, config);
    const { reservation } = await rpc(client, "getReservation", { orderId: "o-1" });
    assert.equal(reservation?.status, ReservationStatus.RESERVATION_STATUS_SOLD);
    const { item } = await rpc(client, "getItem", { id: "1" });
    assert.deepEqual([item?.available, item?.reserved, item?.sold], [23, 0, 2]);
  });
});

Deno.test("order.cancelled releases a reservation once, and a late order.paid changes nothing", async () => {
  await withService(async ({ client, config }) => {
    await rpc(client, "reserveItems", { orderId: "o-1", items: [{ itemId: "2", quantity: 3 }] });
    await publishRaw(config.common, "order.cancelled", cancelled("o-1"), { messageId: crypto.randomUUID() });
    await publishRaw(config.common, "order.cancelled", cancelled("o-1"), { messageId: crypto.randomUUID() });
    await publishRaw(config.common, "order.paid", paid("o-1"), { messageId: crypto.randomUUID() });
    await drain(client, config);
    const { reservation } = await rpc(client, "getReservation", { orderId: "o-1" });
    assert.equal(reservation?.status, ReservationStatus.RESERVATION_STATUS_RELEASED);
    const { item } = await rpc(client, "getItem", { id: "2" });
    assert.deepEqual([item?.available, item?.reserved, item?.sold], [25, 0, 0]);
  });
});

Deno.test("order.paid for an order without a reservation is acknowledged and changes nothing", async () => {
  await withService(async ({ client, config }) => {
    const before = (await rpc(client, "listItems", {})).items;
    await publishRaw(config.common, "order.paid", paid("ghost"), { messageId: crypto.randomUUID() });
    await drain(client, config);
    const after = (await rpc(client, "listItems", {})).items;
    assert.deepEqual(after.filter((i) => i.id !== "10"), before.filter((i) => i.id !== "10"));
  });
});

/**
 * An orders gRPC server that answers only `LookupOrders`, with orders' own lookup over an empty store
 * (no order exists). Stop it in a `finally`.
 */
/** A pending order `id`, as orders stores it. */
function anOrder(id: string): Order {
  return newOrder({
    id,
    customerId: "c-1",
    items: [{ itemId: "4", name: "Item", quantity: 3, unitPrice: { amount: 100, currency: "EUR" } }],
    total: { amount: 300, currency: "EUR" },
    at: new Date(),
    cause: "customer",
    traceId: "",
  });
}

async function startOrdersLookup(
  known: string[] = [],
): Promise<{ addr: string; asked: string[]; stop(): Promise<void> }> {
  const kv = await Deno.openKv(":memory:");
  for (const id of known) await addCreate(kv.atomic(), anOrder(id)).commit();
  const asked: string[] = [];
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: OrdersServiceService,
    name: "oms.orders.v1.OrdersService",
    implementation: {
      lookupOrders: unary(log, (req: { orderIds: string[] }) => {
        asked.push(...req.orderIds);
        return lookupOrders(kv, req.orderIds);
      }),
    },
  }], { serviceToken: TEST_SERVICE_TOKEN });
  return {
    addr: `127.0.0.1:${server.port}`,
    asked,
    async stop() {
      await server.stop(100);
      kv.close();
    },
  };
}

Deno.test("after the TTL a reservation whose order orders does not know is released, one whose order exists is confirmed and kept; order.created is not stock's", async () => {
  const ttlMs = 600;
  const orders = await startOrdersLookup(["real"]);
  try {
    await withService(async ({ client, handle, config }) => {
      const before = (await rpc(client, "getItem", { id: "4" })).item!;
      await rpc(client, "reserveItems", { orderId: "leaked", items: [{ itemId: "4", quantity: 2 }] });
      await rpc(client, "reserveItems", { orderId: "real", items: [{ itemId: "4", quantity: 3 }] });
      // stock's queue is not bound to order.created: nothing reaches it, nothing is parked
      await publishRaw(config.common, "order.created", created("real"), { messageId: crypto.randomUUID() });
      await publishRaw(config.common, "order.created", created("ghost"), { messageId: crypto.randomUUID() });
      await drain(client, config);

      const reservation = async (orderId: string) =>
        (await rpc(client, "getReservation", { orderId })).reservation;
      await eventually(
        async () => (await reservation("leaked"))?.status === ReservationStatus.RESERVATION_STATUS_RELEASED,
        "the reservation of an order orders does not know released",
      );
      await eventually(() => Promise.resolve(orders.asked.includes("real")), "orders asked about the other");
      // the confirmed reservation outlives several TTLs, asked about once
      await new Promise((r) => setTimeout(r, 2 * ttlMs));
      assert.equal((await reservation("real"))?.status, ReservationStatus.RESERVATION_STATUS_RESERVED);
      const { item } = await rpc(client, "getItem", { id: "4" });
      assert.deepEqual(
        [item?.available, item?.reserved, item?.sold],
        [before.available - 3, 3, 0],
        "only the existing order's units stay held",
      );
      const dlq = connect(DeadLettersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN);
      try {
        const { deadLetters } = await rpc(dlq, "listDeadLetters", { limit: 10 });
        assert.deepEqual(deadLetters, [], "no order.created reached stock to be parked");
      } finally {
        dlq.close();
      }
      assert.deepEqual(
        orders.asked.filter((id) => id === "real"),
        ["real"],
        "a confirmed one is not asked again",
      );
      assert.ok(orders.asked.includes("leaked"));
    }, { reservationTtlMs: ttlMs, sweepIntervalMs: 50, ordersAddr: orders.addr });
  } finally {
    await orders.stop();
  }
});

Deno.test("stock starts while orders is down and releases no reservation it cannot ask about", async () => {
  const ttlMs = 300;
  const down = `127.0.0.1:${await closedPort()}`;
  await withService(async ({ client }) => {
    await rpc(client, "reserveItems", {
      orderId: "paid-while-orders-down",
      items: [{ itemId: "4", quantity: 1 }],
    });
    // many sweeps, each failing to reach orders
    await new Promise((r) => setTimeout(r, 4 * ttlMs));
    const { reservation } = await rpc(client, "getReservation", { orderId: "paid-while-orders-down" });
    assert.equal(reservation?.status, ReservationStatus.RESERVATION_STATUS_RESERVED);
  }, { reservationTtlMs: ttlMs, sweepIntervalMs: 50, ordersAddr: down, ordersTimeoutMs: 500 });
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return await Promise.resolve(port);
}
