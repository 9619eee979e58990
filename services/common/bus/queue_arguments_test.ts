import assert from "node:assert/strict";
import amqp from "amqplib";
import type { Logger } from "../log.ts";
import {
  deadQueueArguments,
  QueueArgumentsError,
  retryQueueArguments,
  retryQueueOf,
  serviceQueueArguments,
} from "./queue_arguments.ts";
import { type Messaging, startMessaging } from "./messaging.ts";
import { ignoringOtherBindings, testBusConfig } from "./testing.ts";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

Deno.test("quorum by default: service queues dead-letter at least once to <queue>.dead with a delivery limit; retry queues expire back to the queue", () => {
  assert.deepEqual(serviceQueueArguments("oms.kitchen"), {
    "x-queue-type": "quorum",
    "x-dead-letter-exchange": "",
    "x-dead-letter-routing-key": "oms.kitchen.dead",
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
    "x-delivery-limit": 20,
  });
  assert.equal(serviceQueueArguments("q", { deliveryLimit: 5 })["x-delivery-limit"], 5);
  assert.deepEqual(retryQueueArguments("oms.kitchen", 1000), {
    "x-queue-type": "quorum",
    "x-message-ttl": 1000,
    "x-dead-letter-exchange": "",
    "x-dead-letter-routing-key": "oms.kitchen",
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
  });
  assert.deepEqual(deadQueueArguments(), { "x-queue-type": "quorum" });
  assert.equal(retryQueueOf("oms.kitchen", 1000), "oms.kitchen.retry.1000ms");
});

Deno.test("classic queues carry exactly the arguments an earlier OMS declared, so its queues are accepted as they are", () => {
  const classic = { type: "classic" as const };
  assert.deepEqual(serviceQueueArguments("oms.kitchen", classic), {
    "x-dead-letter-exchange": "",
    "x-dead-letter-routing-key": "oms.kitchen.dead",
  });
  assert.deepEqual(retryQueueArguments("oms.kitchen", 1000, classic), {
    "x-message-ttl": 1000,
    "x-dead-letter-exchange": "",
    "x-dead-letter-routing-key": "oms.kitchen",
  });
  assert.deepEqual(deadQueueArguments(classic), {});
});

/** Starts kitchen's messaging on `bus` after `existing` declared its queue; the error it fails with. */
async function startAfter(
  queueType: "quorum" | "classic",
  existing: (ch: amqp.Channel, queue: string) => Promise<unknown>,
): Promise<unknown> {
  const bus = await testBusConfig();
  const queue = `${bus.config.queuePrefix}.kitchen`;
  const conn = await amqp.connect(bus.config.amqpUrl);
  const kv = await Deno.openKv(":memory:");
  let m: Messaging | undefined;
  try {
    await existing(await conn.createChannel(), queue);
    m = await startMessaging({
      service: "kitchen",
      kv,
      config: { ...bus.config, queueType },
      log: quiet,
      handlers: ignoringOtherBindings("kitchen", { "order.paid": () => Promise.resolve() }),
    });
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await m?.stop();
    kv.close();
    await conn.close();
    await bus.cleanup();
  }
}

Deno.test("a service meeting its queue as a classic queue (an earlier OMS) refuses to start, naming the queue, the type and both fixes", async () => {
  const err = await startAfter(
    "quorum",
    (ch, queue) =>
      ch.assertQueue(queue, { durable: true, arguments: serviceQueueArguments(queue, { type: "classic" }) }),
  );
  assert.ok(err instanceof QueueArgumentsError, String(err));
  assert.match(err.message, /Queue "test-[0-9a-f]+\.kitchen" exists/);
  assert.match(err.message, /PRECONDITION_FAILED: inequivalent arg 'x-[a-z-]+'/);
  assert.match(err.message, /It is a classic queue and OMS_QUEUE_TYPE is quorum/);
  assert.match(err.message, /set OMS_QUEUE_TYPE=classic/);
  assert.match(err.message, /rabbitmqctl delete_queue test-[0-9a-f]+\.kitchen/);
});

Deno.test("with OMS_QUEUE_TYPE=classic a service meeting a quorum queue refuses to start, saying it is a quorum queue", async () => {
  const err = await startAfter(
    "classic",
    (ch, queue) => ch.assertQueue(queue, { durable: true, arguments: serviceQueueArguments(queue) }),
  );
  assert.ok(err instanceof QueueArgumentsError, String(err));
  assert.match(
    err.message,
    /It is a quorum queue and OMS_QUEUE_TYPE is classic\. Either set OMS_QUEUE_TYPE=quorum/,
  );
});

Deno.test("a retry queue of the other type stops the start too, not the first retry", async () => {
  const err = await startAfter("quorum", (ch, queue) =>
    ch.assertQueue(retryQueueOf(queue, 50), {
      durable: true,
      arguments: retryQueueArguments(queue, 50, { type: "classic" }),
    }));
  assert.ok(err instanceof QueueArgumentsError, String(err));
  assert.match(err.message, /\.kitchen\.retry\.50ms" exists/);
});
