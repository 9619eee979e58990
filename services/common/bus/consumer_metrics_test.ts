/**
 * What the consumer records (real RabbitMQ): each delivery's outcome per queue and routing key
 * (processed, retried, parked), its handling time, and the lag of a first delivery from its publish.
 */
import assert from "node:assert/strict";
import type { Logger } from "../log.ts";
import type { Instruments } from "../metrics/instruments.ts";
import { setInstruments } from "../metrics/record.ts";
import { startMessaging } from "./messaging.ts";
import { eventually, ignoringOtherBindings, publishRaw, testBusConfig } from "./testing.ts";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

Deno.test("a processed, a retried-then-processed and a parked delivery are counted by outcome, timed, and first deliveries' lag recorded", async () => {
  const consumed: string[] = [];
  const timed: number[] = [];
  const lag: { seconds: number; queue: unknown }[] = [];
  setInstruments({
    consumed: {
      add: (_n: number, a: Record<string, unknown>) =>
        consumed.push(`${a["messaging.rabbitmq.destination.routing_key"]} ${a["oms.outcome"]}`),
    },
    processDuration: { record: (s: number) => timed.push(s) },
    consumerLag: {
      record: (seconds: number, a: Record<string, unknown>) =>
        lag.push({ seconds, queue: a["messaging.destination.name"] }),
    },
  } as unknown as Instruments);
  const kv = await Deno.openKv(":memory:");
  const bus = await testBusConfig(":memory:", [20]);
  let flaky = 0;
  const m = await startMessaging({
    service: "kitchen",
    kv,
    config: bus.config,
    log: quiet,
    handlers: ignoringOtherBindings("kitchen", {
      "order.paid": (ev) => {
        if (ev.orderId === "flaky" && flaky++ === 0) return Promise.reject(new Error("once"));
        return Promise.resolve();
      },
    }),
  });
  try {
    const occurredAt = new Date(Date.now() - 2000).toISOString();
    const headers = { "x-oms-occurred-at": occurredAt };
    await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: "ok" }), {
      messageId: "m-ok",
      headers,
    });
    await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: "flaky" }), {
      messageId: "m-flaky",
      headers,
    });
    await publishRaw(bus.config, "order.paid", "{not json", { messageId: "m-bad", headers });
    await eventually(
      () => m.consumer!.stats.processed === 2 && m.consumer!.stats.parked === 1,
      "all three handled",
    );
  } finally {
    await m.stop();
    await bus.cleanup();
    kv.close();
    setInstruments(undefined);
  }
  assert.deepEqual(consumed.sort(), [
    "order.paid parked",
    "order.paid processed",
    "order.paid processed",
    "order.paid retried",
  ]);
  assert.equal(timed.length, 4);
  assert.ok(timed.every((s) => s >= 0 && s < 10));
  // the three first deliveries (the retry is not a first delivery), about 2 s after "publish"
  assert.equal(lag.length, 3);
  assert.ok(lag.every((l) => l.seconds >= 2 && l.seconds < 30 && l.queue === m.queue), JSON.stringify(lag));
});
