/**
 * Failover between broker nodes (real RabbitMQ): two TCP proxies in front of the test broker stand for
 * two nodes. Orders publishes through its outbox and kitchen consumes, both given the list
 * `node 1,node 2`; node 1 goes down while events keep coming. Both reconnect to node 2 (logged), and
 * every event is handled exactly once: none lost, none applied twice. Losing a real cluster node (its
 * quorum queues' replicas included) is tests/quorum_failover_test.ts. A nack (as a channel addressing a
 * moved quorum leader gets) drops the publish channel; the publishes after it share one new channel.
 */
import assert from "node:assert/strict";
import amqp, { type ChannelModel, type ConfirmChannel } from "amqplib";
import type { LogFields, Logger } from "../log.ts";
import { AmqpTransport } from "./amqp_transport.ts";
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

Deno.test("after a nack drops the publish channel, concurrent publishes open exactly one new channel and leave no other open", async () => {
  const bus = await testBusConfig();
  const opened: ConfirmChannel[] = [];
  const closed = new Set<ConfirmChannel>();
  // every confirm channel the transport asks of its connection, and whether it was closed since
  const open = async (url: string, timeout: number): Promise<ChannelModel> => {
    const model = await amqp.connect(url, { timeout });
    const create = model.createConfirmChannel.bind(model);
    model.createConfirmChannel = async () => {
      const ch = await create();
      opened.push(ch);
      ch.on("close", () => closed.add(ch));
      return ch;
    };
    return model;
  };
  const transport = await AmqpTransport.connect({
    url: bus.urls.kitchen,
    exchange: bus.config.exchange,
    log: recordingLogger(),
    open,
  });
  const admin = await amqp.connect(bus.config.amqpUrl);
  const message = (id: string) => ({
    id,
    routingKey: "kitchen.ticket_ready",
    body: new TextEncoder().encode("{}"),
    attempt: 1,
  });
  try {
    // a queue that takes nothing and rejects what comes: the broker nacks a publish routed to it
    const ch = await admin.createChannel();
    const full = `${bus.config.queuePrefix}.full`;
    await ch.assertQueue(full, {
      exclusive: true,
      arguments: { "x-max-length": 0, "x-overflow": "reject-publish" },
    });
    await ch.bindQueue(full, bus.config.exchange, "kitchen.ticket_ready");
    assert.equal(opened.length, 1, "the publish channel of the connection's setup");
    await assert.rejects(() => transport.publish(message("m-nacked")), /nacked/);
    await ch.deleteQueue(full);

    await Promise.all(Array.from({ length: 50 }, (_, i) => transport.publish(message(`m-${i}`))));
    assert.equal(opened.length, 2, "one new channel for the 50 publishes after the nack");
    await new Promise((r) => setTimeout(r, 100)); // a close in flight would show here
    assert.deepEqual(opened.map((c) => closed.has(c)), [true, false], "the nacked one closed, one open");

    // and later publishes keep using it
    await transport.publish(message("m-later"));
    assert.equal(opened.length, 2);
  } finally {
    await transport.close();
    await admin.close().catch(() => {});
    await bus.cleanup();
  }
});
