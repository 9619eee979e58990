import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { enqueueEvent } from "./outbox.ts";
import { startMessaging } from "./messaging.ts";
import { EventObserver, eventually, ignoringOtherBindings, publishRaw, testBusConfig } from "./testing.ts";
import { listDeadLetters } from "./dead_letters.ts";
import type { EventHandlers } from "./types.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../auth/testing.ts";
import { StaffClaims } from "../auth/staff_claim.ts";
import { Metadata } from "@grpc/grpc-js";
import amqp from "amqplib";

const log = createLogger("test", "error");

async function setup(handlers: EventHandlers) {
  const bus = await testBusConfig();
  const producerKv = await Deno.openKv(":memory:");
  const consumerKv = await Deno.openKv(":memory:");
  const producer = await startMessaging({ service: "orders", kv: producerKv, config: bus.config, log });
  const consumer = await startMessaging({
    service: "kitchen",
    kv: consumerKv,
    config: bus.config,
    log,
    handlers: ignoringOtherBindings("kitchen", handlers),
  });
  return {
    bus,
    producerKv,
    consumerKv,
    producer,
    consumer,
    async close() {
      await consumer.stop();
      await producer.stop();
      producerKv.close();
      consumerKv.close();
      await bus.cleanup();
    },
  };
}

const paid = (orderId: string) => ({
  orderId,
  customerId: "c1",
  items: [],
  paidAt: new Date(),
  number: 0,
  details: undefined,
});

Deno.test("an event committed to the outbox reaches the consumer once, and its handler's commit lands", async () => {
  const seen: string[] = [];
  const t = await setup({
    "order.paid": (ev, ctx) => {
      seen.push(ev.orderId);
      ctx.op.set(["tickets", ev.orderId], { status: "queued" });
      return Promise.resolve();
    },
  });
  try {
    const op = t.producerKv.atomic();
    enqueueEvent(op, "order.paid", paid("o-1"), {
      traceparent: "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01",
    });
    await op.commit();
    t.producer.kick();
    await eventually(async () => (await t.consumerKv.get(["tickets", "o-1"])).value, "ticket stored");
    assert.deepEqual(seen, ["o-1"]);
    await eventually(
      async () => (await Array.fromAsync(t.producerKv.list({ prefix: ["outbox"] }))).length === 0,
      "relay deletes what it published",
    );
  } finally {
    await t.close();
  }
});

Deno.test("the same message id delivered twice is processed once (inbox)", async () => {
  let calls = 0;
  const t = await setup({
    "order.paid": () => {
      calls++;
      return Promise.resolve();
    },
  });
  try {
    const body = JSON.stringify({ orderId: "o-2", customerId: "c" });
    await publishRaw(t.bus.config, "order.paid", body, { messageId: "dup-1" });
    await publishRaw(t.bus.config, "order.paid", body, { messageId: "dup-1" });
    await eventually(() => t.consumer.consumer!.stats.duplicate === 1, "duplicate dropped");
    assert.equal(calls, 1);
    assert.equal(t.consumer.consumer!.stats.processed, 1);
  } finally {
    await t.close();
  }
});

Deno.test("a malformed message is parked at once and the consumer goes on", async () => {
  const seen: string[] = [];
  const t = await setup({
    "order.paid": (ev) => {
      seen.push(ev.orderId);
      return Promise.resolve();
    },
  });
  try {
    await publishRaw(t.bus.config, "order.paid", "{not json", { messageId: "bad-1" });
    await publishRaw(t.bus.config, "order.paid", JSON.stringify({ orderId: "o-3" }), { messageId: "good-1" });
    await eventually(() => seen.includes("o-3"), "good message processed after the bad one");
    const dead = await listDeadLetters(t.consumerKv);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.messageId, "bad-1");
    assert.equal(dead[0]!.attempts, 1, "parked without retries");
    assert.match(dead[0]!.reason, /not JSON/);
  } finally {
    await t.close();
  }
});

Deno.test("a failing handler is retried with delays, then parked; replay from dead letters processes it", async () => {
  let failing = true;
  const attempts: number[] = [];
  const t = await setup({
    "order.paid": (_ev, ctx) => {
      attempts.push(ctx.attempt);
      if (failing) return Promise.reject(new Error("kitchen printer jammed"));
      ctx.op.set(["done", "o-4"], true);
      return Promise.resolve();
    },
  });
  try {
    await publishRaw(t.bus.config, "order.paid", JSON.stringify({ orderId: "o-4" }), {
      messageId: "retry-1",
    });
    const dead = await eventually(
      async () => (await listDeadLetters(t.consumerKv))[0],
      "parked after retries",
    );
    assert.deepEqual(attempts, [1, 2, 3], "first try plus one retry per configured delay");
    assert.match(dead.reason, /printer jammed/);
    assert.equal(dead.attempts, 3);

    failing = false;
    const impl = t.consumer.deadLettersService.implementation as unknown as Record<
      string,
      (call: { request: unknown; metadata: Metadata }, cb: (err: unknown, res: unknown) => void) => void
    >;
    // as staff: replay is staff-only
    const metadata = new StaffClaims(TEST_SERVICE_TOKEN).attach(new Metadata(), TEST_STAFF);
    await new Promise((resolve, reject) =>
      impl.replayDeadLetter!(
        { request: { id: dead.id }, metadata },
        (err, res) => err ? reject(err) : resolve(res),
      )
    );
    await eventually(
      async () => (await t.consumerKv.get(["done", "o-4"])).value,
      "replayed message processed",
    );
    assert.equal((await listDeadLetters(t.consumerKv)).length, 0, "replay removes the dead letter");
  } finally {
    await t.close();
  }
});

Deno.test("events committed while the relay was down are published when it starts", async () => {
  const bus = await testBusConfig();
  const dir = await Deno.makeTempDir();
  const observer = await EventObserver.start(bus.config);
  try {
    const kv1 = await Deno.openKv(`${dir}/orders.kv`);
    const op = kv1.atomic();
    enqueueEvent(op, "order.cancelled", { orderId: "o-5", reason: "test", cancelledAt: new Date() });
    await op.commit();
    kv1.close(); // the process "dies" here, before any relay ran
    const kv2 = await Deno.openKv(`${dir}/orders.kv`);
    const m = await startMessaging({ service: "orders", kv: kv2, config: bus.config, log });
    await observer.waitFor((e) => e.some((x) => x.body.orderId === "o-5"), "order.cancelled published");
    assert.equal(observer.of("order.cancelled", "o-5").length, 1);
    await m.stop();
    kv2.close();
  } finally {
    await observer.close();
    await bus.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the in-memory bus keeps the contract: delivery, inbox dedupe, retries and parking", async () => {
  const id = crypto.randomUUID();
  const config = {
    amqpUrl: "memory",
    exchange: `mem.${id}`,
    queuePrefix: "mem",
    dataDir: ":memory:",
    retryDelaysMs: [10],
    serviceToken: TEST_SERVICE_TOKEN,
  };
  const kvA = await Deno.openKv(":memory:");
  const kvB = await Deno.openKv(":memory:");
  const calls: string[] = [];
  const a = await startMessaging({ service: "orders", kv: kvA, config, log });
  const b = await startMessaging({
    service: "kitchen",
    kv: kvB,
    config,
    log,
    handlers: ignoringOtherBindings("kitchen", {
      "order.paid": (ev) => {
        calls.push(ev.orderId);
        return ev.orderId === "boom" ? Promise.reject(new Error("boom")) : Promise.resolve();
      },
    }),
  });
  try {
    for (const orderId of ["m-1", "boom"]) {
      const op = kvA.atomic();
      enqueueEvent(op, "order.paid", paid(orderId), { id: `id-${orderId}` });
      await op.commit();
    }
    a.kick();
    await eventually(async () => (await listDeadLetters(kvB)).length === 1, "boom parked");
    assert.deepEqual(calls.filter((c) => c === "m-1"), ["m-1"]);
    assert.deepEqual(calls.filter((c) => c === "boom"), ["boom", "boom"]);
  } finally {
    await b.stop();
    await a.stop();
    kvA.close();
    kvB.close();
  }
});

Deno.test("a binding an earlier version made and the topology retired is removed when a service declares the topology", async () => {
  const bus = await testBusConfig();
  const kv = await Deno.openKv(":memory:");
  const conn = await amqp.connect(bus.config.amqpUrl);
  const stockQueue = `${bus.config.queuePrefix}.stock`;
  const queued = async () => (await ch.checkQueue(stockQueue)).messageCount;
  const ch = await conn.createChannel();
  try {
    let orders = await startMessaging({ service: "orders", kv, config: bus.config, log });
    await orders.stop();
    // what the version before did: stock's queue took order.created
    await ch.bindQueue(stockQueue, bus.config.exchange, "order.created");
    await publishRaw(bus.config, "order.created", "{}");
    await eventually(async () => (await queued()) === 1, "order.created reaches stock's queue while bound");
    await ch.purgeQueue(stockQueue);

    orders = await startMessaging({ service: "orders", kv, config: bus.config, log });
    await orders.stop();
    await publishRaw(bus.config, "order.created", "{}");
    await publishRaw(bus.config, "order.paid", "{}");
    await eventually(async () => (await queued()) === 1, "only order.paid reaches stock's queue now");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await queued(), 1);
  } finally {
    await conn.close();
    kv.close();
    await bus.cleanup();
  }
});

Deno.test("an event of a retired binding already queued when the upgraded service starts is acknowledged, not parked", async () => {
  const bus = await testBusConfig();
  const kv = await Deno.openKv(":memory:");
  const conn = await amqp.connect(bus.config.amqpUrl);
  const stockQueue = `${bus.config.queuePrefix}.stock`;
  const ch = await conn.createChannel();
  try {
    const orders = await startMessaging({ service: "orders", kv, config: bus.config, log });
    await orders.stop();
    await ch.bindQueue(stockQueue, bus.config.exchange, "order.created"); // as the version before did
    await publishRaw(bus.config, "order.created", JSON.stringify({ orderId: "o-1" }), {
      messageId: "queued",
    });
    await eventually(async () => (await ch.checkQueue(stockQueue)).messageCount === 1, "queued for stock");
    const stock = await startMessaging({
      service: "stock",
      kv,
      config: bus.config,
      log,
      handlers: ignoringOtherBindings("stock", {}),
    });
    try {
      await eventually(async () => (await ch.checkQueue(stockQueue)).messageCount === 0, "taken");
      await eventually(() => Promise.resolve(stock.consumer!.stats.processed === 1), "acknowledged");
      assert.deepEqual(await listDeadLetters(kv), [], "not parked");
    } finally {
      await stock.stop();
    }
  } finally {
    await conn.close();
    kv.close();
    await bus.cleanup();
  }
});
