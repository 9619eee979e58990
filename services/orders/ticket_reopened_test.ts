/**
 * Orders follows the kitchen's undo and recall (`kitchen.ticket_reopened`) through the real RabbitMQ:
 * ready -> preparing and preparing -> paid, each with a timeline entry, a repeat changing nothing.
 */
import assert from "node:assert/strict";
import { eventually, publishRaw, testBusConfig } from "../common/bus/testing.ts";
import { encodeEvent, type EventPayload, type RoutingKey } from "../common/events.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { createLogger } from "../common/log.ts";
import { OrdersServiceClient, OrderStatus } from "../common/gen/oms/orders/v1/orders.ts";
import type { OrdersConfig } from "./config.ts";
import { start } from "./service.ts";
import { stubPaymentsServer, stubStockServer } from "./stub_peers_test.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";

const log = createLogger("orders", "error");

Deno.test("kitchen.ticket_reopened moves the order back (ready -> preparing -> paid) with who did it, once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "orders-reopen-" });
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
  const handle = await start(config, log);
  const client = connect(OrdersServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN, {
    staff: TEST_STAFF,
  });
  const send = <K extends RoutingKey>(key: K, payload: EventPayload<K>) =>
    publishRaw(config.common, key, encodeEvent(key, payload), { messageId: crypto.randomUUID() });
  const statusOf = async (orderId: string) =>
    (await rpc(client, "getOrder", { orderId, customerId: "", admin: true })).order?.status;
  try {
    const { order } = await rpc(client, "createOrder", {
      customerId: "alice",
      items: [{ itemId: "pizza", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    });
    const id = order!.id;
    await send("payment.succeeded", {
      orderId: id,
      sessionId: "s1",
      providerEventId: "evt_1",
      amount: { amount: 900, currency: "EUR" },
      paidAt: new Date(),
    });
    await eventually(async () => (await statusOf(id)) === OrderStatus.ORDER_STATUS_PAID, "paid");
    await send("kitchen.ticket_started", { orderId: id, startedAt: new Date(), by: "Ada" });
    await send("kitchen.ticket_ready", { orderId: id, readyAt: new Date(), by: "Ada" });
    await eventually(async () => (await statusOf(id)) === OrderStatus.ORDER_STATUS_READY, "ready");

    const bumpUndone = { orderId: id, reopenedAt: new Date(), status: "preparing", by: "Ada" };
    await send("kitchen.ticket_reopened", bumpUndone);
    await send("kitchen.ticket_reopened", bumpUndone); // delivered twice
    await eventually(
      async () => (await statusOf(id)) === OrderStatus.ORDER_STATUS_PREPARING,
      "back to preparing",
    );
    await send("kitchen.ticket_reopened", {
      orderId: id,
      reopenedAt: new Date(),
      status: "queued",
      by: "Bob",
    });
    await eventually(async () => (await statusOf(id)) === OrderStatus.ORDER_STATUS_PAID, "back to paid");

    const { order: back } = await rpc(client, "getOrder", { orderId: id, customerId: "", admin: true });
    assert.deepEqual(back!.timeline.slice(-4).map((t) => [t.status, t.cause]), [
      [OrderStatus.ORDER_STATUS_PREPARING, "kitchen.ticket_started"],
      [OrderStatus.ORDER_STATUS_READY, "kitchen.ticket_ready"],
      [OrderStatus.ORDER_STATUS_PREPARING, "kitchen.ticket_reopened"],
      [OrderStatus.ORDER_STATUS_PAID, "kitchen.ticket_reopened"],
    ], "one entry per reopening, the repeat ignored");
    const stored = await handle.kv.get<{ timeline: { actor?: string }[] }>(["orders", id]);
    assert.deepEqual(stored.value?.timeline.slice(-2).map((t) => t.actor), ["Ada", "Bob"], "who reopened it");
    // the order can move forward again: the kitchen starts it anew
    await send("kitchen.ticket_started", { orderId: id, startedAt: new Date(), by: "Bob" });
    await eventually(
      async () => (await statusOf(id)) === OrderStatus.ORDER_STATUS_PREPARING,
      "started again",
    );
  } finally {
    client.close();
    await handle.stop();
    await stock.stop();
    await payments.stop();
    await bus.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});
