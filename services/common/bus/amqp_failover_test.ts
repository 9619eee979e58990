/**
 * Failover between broker nodes (real RabbitMQ): two TCP proxies in front of the test broker stand for
 * two nodes. Orders publishes through its outbox and kitchen consumes, both given the list
 * `node 1,node 2`; node 1 goes down while events keep coming. Both reconnect to node 2 (logged), and
 * every event is handled exactly once: none lost, none applied twice. Losing a real cluster node (its
 * quorum queues' replicas included) is tests/quorum_failover_test.ts.
 */
import assert from "node:assert/strict";
import type { LogFields, Logger } from "../log.ts";
import { BrokerProxy } from "./broker_proxy.ts";
import { startMessaging } from "./messaging.ts";
import { enqueueEvent } from "./outbox.ts";
import { eventually, ignoringOtherBindings, testBusConfig } from "./testing.ts";

function recordingLogger(): Logger & { lines: { msg: string; fields: LogFields }[] } {
  const lines: { msg: string; fields: LogFields }[] = [];
  const keep = (msg: string, fields: LogFields = {}) => void lines.push({ msg, fields });
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

Deno.test("with two nodes given and the first lost under load, publisher and consumer move to the second; every event handled exactly once", async () => {
  const bus = await testBusConfig();
  const [node1, node2] = [BrokerProxy.create(), BrokerProxy.create()];
  node1.up();
  node2.up();
  const list = (url: string) => `${node1.url(url)},${node2.url(url)}`;
  const config = {
    ...bus.config,
    amqpUrls: { orders: list(bus.urls.orders), kitchen: list(bus.urls.kitchen) },
  };
  const ordersKv = await Deno.openKv(":memory:");
  const kitchenKv = await Deno.openKv(":memory:");
  const ordersLog = recordingLogger();
  const kitchenLog = recordingLogger();
  const orders = await startMessaging({ service: "orders", kv: ordersKv, config, log: ordersLog });
  const kitchen = await startMessaging({
    service: "kitchen",
    kv: kitchenKv,
    config,
    log: kitchenLog,
    handlers: ignoringOtherBindings("kitchen", {
      "order.paid": (ev, ctx) => {
        ctx.op.sum(["applied", ev.orderId], 1n);
        return Promise.resolve();
      },
    }),
  });
  const ids: string[] = [];
  const place = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const orderId = `o-${ids.length}`;
      ids.push(orderId);
      const op = ordersKv.atomic();
      const record = enqueueEvent(op, "order.paid", {
        orderId,
        customerId: "c1",
        items: [],
        paidAt: new Date(),
        number: ids.length,
        details: undefined,
      });
      await op.commit();
      orders.kick([record]);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const applied = async () => {
    const counts = await Promise.all(
      ids.map(async (id) => (await kitchenKv.get<Deno.KvU64>(["applied", id])).value?.value ?? 0n),
    );
    return counts;
  };
  try {
    await place(20);
    await eventually(async () => (await applied()).every((c) => c === 1n), "the first 20 applied", 20_000);
    const loss = place(30); // events keep coming while node 1 goes away
    await new Promise((r) => setTimeout(r, 30));
    await node1.down();
    await loss;
    await place(20);
    await eventually(async () => (await applied()).every((c) => c > 0n), "all 70 applied", 30_000);
    // a redelivery or a republished record would show here as a count of 2
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await applied()).filter((c) => c !== 1n), [], "each event applied exactly once");
    assert.equal((await Array.fromAsync(ordersKv.list({ prefix: ["outbox"] }))).length, 0, "outbox empty");
    for (const [who, log] of [["orders", ordersLog], ["kitchen", kitchenLog]] as const) {
      const first = log.lines.find((l) => l.msg === "broker connected");
      assert.match(String(first?.fields.broker), new RegExp(`:${node1.port}`), `${who} started on node 1`);
      assert.ok(
        log.lines.some((l) => l.msg === "broker connection lost, reconnecting"),
        `${who} lost node 1`,
      );
      const restored = log.lines.find((l) => l.msg === "broker connection restored");
      assert.match(String(restored?.fields.broker), new RegExp(`:${node2.port}`), `${who} moved to node 2`);
    }
  } finally {
    await kitchen.stop();
    await orders.stop();
    await node1.down();
    await node2.down();
    ordersKv.close();
    kitchenKv.close();
    await bus.cleanup();
  }
});
