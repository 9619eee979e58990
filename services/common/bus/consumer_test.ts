/**
 * The consumer never stalls (real RabbitMQ): bad messages are parked at once without touching the
 * prefetch window, and a message that cannot even be parked is rejected to `<queue>.dead`.
 */
import assert from "node:assert/strict";
import amqp from "amqplib";
import { Metadata } from "@grpc/grpc-js";
import { StaffClaims } from "../auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../auth/testing.ts";
import type { Logger } from "../log.ts";
import { QueueArgumentsError } from "./amqp_transport.ts";
import { deadLettersService, listDeadLetterPage, listDeadLetters } from "./dead_letters.ts";
import { type Messaging, startMessaging } from "./messaging.ts";
import { MAX_PARKED_PAYLOAD_BYTES } from "./parked_record.ts";
import { eventually, ignoringOtherBindings, publishRaw, testBusConfig } from "./testing.ts";
import type { EventHandlers } from "./types.ts";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Ready and consumer counts of `queue`, straight from the broker. */
async function queueState(
  url: string,
  queue: string,
): Promise<{ messageCount: number; consumerCount: number }> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    return await ch.checkQueue(queue);
  } finally {
    await conn.close();
  }
}

async function kitchen(handlers: EventHandlers, kv: Deno.Kv, retryDelaysMs = [20, 40]) {
  const bus = await testBusConfig(":memory:", retryDelaysMs);
  const m = await startMessaging({
    service: "kitchen",
    kv,
    config: bus.config,
    log: quiet,
    handlers: ignoringOtherBindings("kitchen", handlers),
  });
  return { bus, m };
}

Deno.test("16 oversized and 16 malformed messages interleaved with valid ones are parked at once; every valid one is processed (prefetch 16)", async () => {
  const kv = await Deno.openKv(":memory:");
  const seen = new Set<string>();
  const { bus, m } = await kitchen({
    "order.paid": (ev) => {
      seen.add(ev.orderId);
      return Promise.resolve();
    },
  }, kv);
  try {
    const big = `{"orderId":"o-big","pad":"${"x".repeat(100_000)}"}`;
    for (let i = 0; i < 16; i++) {
      await publishRaw(bus.config, "order.paid", big, { messageId: `big-${i}` });
      await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: "x".repeat(5000) }), {
        messageId: `bad-${i}`,
      });
      await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: `ok-${i}` }), {
        messageId: `ok-${i}`,
      });
    }
    await eventually(() => seen.size === 16 && m.consumer!.stats.parked === 32, "all handled", 30_000);
    const { items, more } = await listDeadLetterPage(kv, 100);
    assert.equal(items.length, 32);
    assert.equal(more, false);
    assert.ok(items.every((d) => d.attempts === 1), "parked on the first delivery, never retried");
    const bigs = items.filter((d) => d.messageId.startsWith("big-"));
    assert.equal(bigs.length, 16);
    for (const d of bigs) {
      assert.equal(d.truncated, true);
      assert.equal(d.sizeBytes, new TextEncoder().encode(big).byteLength);
      assert.match(d.reason, /over the limit of 65536/);
      assert.ok(new TextEncoder().encode(d.payload).byteLength <= MAX_PARKED_PAYLOAD_BYTES);
    }
    for (const d of items.filter((d) => d.messageId.startsWith("bad-"))) {
      assert.match(d.reason, /field orderId must be at most 128 characters, got 5000/);
    }
    assert.equal(m.consumer!.stats.retry, 0);
    assert.equal(m.consumer!.stats.rejected, 0);
    assert.equal((await queueState(bus.config.amqpUrl, `${bus.config.queuePrefix}.kitchen`)).messageCount, 0);
    // a listing limit below the count says there is more
    assert.deepEqual((await listDeadLetterPage(kv, 10)).more, true);
  } finally {
    await m.stop();
    kv.close();
    await bus.cleanup();
  }
});

Deno.test("when parking fails (the store is closed) every delivery is rejected to <queue>.dead and none stays unacknowledged", async () => {
  const kv = await Deno.openKv(":memory:");
  const { bus, m } = await kitchen({ "order.paid": () => Promise.resolve() }, kv);
  const queue = `${bus.config.queuePrefix}.kitchen`;
  try {
    kv.close(); // the store fails from here on: parking, and the inbox read of a valid message
    await publishRaw(bus.config, "order.paid", "{not json", { messageId: "bad-1" });
    await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: "o-1" }), { messageId: "ok-1" });
    await eventually(() => m.consumer!.stats.rejected === 2, "both rejected", 15_000);
    const dead = await eventually(
      async () => {
        const s = await queueState(bus.config.amqpUrl, `${queue}.dead`);
        return s.messageCount === 2 ? s : undefined;
      },
      "two messages in the dead-letter queue",
    );
    assert.equal(dead.messageCount, 2);
    assert.equal(m.consumer!.stats.parked, 0);
    assert.equal(m.consumer!.stats.retry, 2, "the valid one was retried once per delay before giving up");
    // nothing left in the queue, and nothing held unacknowledged: stopping the consumer requeues nothing
    await m.consumer!.stop();
    assert.equal((await queueState(bus.config.amqpUrl, queue)).messageCount, 0);
    const conn = await amqp.connect(bus.config.amqpUrl);
    try {
      const ch = await conn.createChannel();
      const ids: string[] = [];
      for (let msg = await ch.get(`${queue}.dead`); msg; msg = await ch.get(`${queue}.dead`)) {
        ids.push(String(msg.properties.messageId));
        ch.ack(msg);
      }
      assert.deepEqual(ids.sort(), ["bad-1", "ok-1"]);
    } finally {
      await conn.close();
    }
  } finally {
    await m.stop();
    await bus.cleanup();
  }
});

Deno.test("a service queue declared without the dead-letter arguments is refused with what to do", async () => {
  const bus = await testBusConfig();
  const queue = `${bus.config.queuePrefix}.kitchen`;
  const conn = await amqp.connect(bus.config.amqpUrl);
  const kv = await Deno.openKv(":memory:");
  try {
    const ch = await conn.createChannel();
    await ch.assertQueue(queue, { durable: true }); // as an older OMS declared it
    let m: Messaging | undefined;
    await assert.rejects(
      async () => {
        m = await startMessaging({
          service: "kitchen",
          kv,
          config: bus.config,
          log: quiet,
          handlers: ignoringOtherBindings("kitchen", { "order.paid": () => Promise.resolve() }),
        });
      },
      (err: unknown) =>
        err instanceof QueueArgumentsError && err.message.includes(`rabbitmqctl delete_queue ${queue}`) &&
        err.message.includes("PRECONDITION_FAILED"),
    );
    assert.equal(m, undefined);
  } finally {
    kv.close();
    await conn.close();
    await bus.cleanup();
  }
});

Deno.test("a truncated dead letter is listed but cannot be replayed", async () => {
  const kv = await Deno.openKv(":memory:");
  const { bus, m } = await kitchen({ "order.paid": () => Promise.resolve() }, kv);
  try {
    await publishRaw(bus.config, "order.paid", `{"orderId":"o","pad":"${"y".repeat(80_000)}"}`, {
      messageId: "huge",
    });
    const [d] = await eventually(async () => {
      const l = await listDeadLetters(kv);
      return l.length === 1 ? l : undefined;
    }, "parked");
    const claims = new StaffClaims(TEST_SERVICE_TOKEN);
    const impl = deadLettersService({
      kv,
      service: "kitchen",
      queue: m.queue,
      transport: () => m.transport,
      staffClaims: claims,
      log: quiet,
    })
      .implementation as unknown as Record<
        string,
        (
          call: { request: unknown; metadata: Metadata },
          cb: (err: { details?: string } | null, res: unknown) => void,
        ) => void
      >;
    // as staff: replay is staff-only
    const call = (method: string, request: unknown) =>
      new Promise<unknown>((resolve, reject) =>
        impl[method]!(
          { request, metadata: claims.attach(new Metadata(), TEST_STAFF) },
          (err, res) => err ? reject(err) : resolve(res),
        )
      );
    const listed = await call("listDeadLetters", { limit: 10 }) as {
      deadLetters: { truncated: boolean; sizeBytes: number; sha256: string }[];
      more: boolean;
    };
    assert.equal(listed.deadLetters[0]!.truncated, true);
    assert.equal(listed.deadLetters[0]!.sizeBytes, d!.sizeBytes);
    assert.match(listed.deadLetters[0]!.sha256, /^[0-9a-f]{64}$/);
    await assert.rejects(
      call("replayDeadLetter", { id: d!.id }),
      (e: { details?: string }) => /cannot be replayed/.test(e.details ?? ""),
    );
    assert.equal((await listDeadLetters(kv)).length, 1, "still parked");
  } finally {
    await m.stop();
    kv.close();
    await bus.cleanup();
  }
});
