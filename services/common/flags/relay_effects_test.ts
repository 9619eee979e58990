import assert from "node:assert/strict";
import { OutboxRelay } from "../bus/relay.ts";
import { OUTBOX_PREFIX } from "../bus/outbox.ts";
import type { Transport, WireMessage } from "../bus/transport.ts";
import type { OutboxRecord } from "../bus/types.ts";
import { createLogger, type Logger } from "../log.ts";
import { firedCounts, resetFiredCounts, setFlagFiredListener } from "./fired.ts";
import { RecordingLogger, useFlagValues } from "./testing.ts";

const log = createLogger("test", "error");

async function relayWith(
  ids: string[],
  options: { intervalMs?: number; batchSize?: number; log?: Logger } = {},
) {
  const kv = await Deno.openKv(":memory:");
  const published: WireMessage[] = [];
  const transport = {
    publish(m: WireMessage) {
      published.push(m);
      return Promise.resolve();
    },
  } as unknown as Transport;
  for (const id of ids) {
    const r: OutboxRecord = {
      id,
      routingKey: "order.paid",
      body: "{}",
      occurredAt: new Date().toISOString(),
    };
    await kv.set([...OUTBOX_PREFIX, id], r);
  }
  const outbox = async () => {
    const left: string[] = [];
    for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) left.push(e.value.id);
    return left;
  };
  return {
    kv,
    published,
    outbox,
    relay: new OutboxRelay({
      kv,
      transport,
      log: options.log ?? log,
      intervalMs: options.intervalMs ?? 60_000,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    }),
  };
}

Deno.test("relayPublishFailureRate at 1 fails every publish and leaves the records in the outbox, without failing the pass (each record tried once per flush); the next pass after it is off publishes them", async () => {
  resetFiredCounts();
  const flags = useFlagValues({ relayPublishFailureRate: 1 });
  const { kv, published, outbox, relay } = await relayWith(["a", "b", "c"], { batchSize: 2 });
  try {
    assert.equal(await relay.flush(), 0, "an injected failure is not an outage: the flush does not throw");
    assert.equal(published.length, 0);
    assert.deepEqual(await outbox(), ["a", "b", "c"]);
    assert.equal(firedCounts().relayPublishFailureRate, 3, "each record tried once, not again and again");
    flags.set("relayPublishFailureRate", 0);
    assert.equal(await relay.flush(), 3);
    assert.deepEqual(published.map((m) => m.id), ["a", "b", "c"]);
    assert.deepEqual(await outbox(), []);
  } finally {
    flags.restore();
    kv.close();
  }
});

Deno.test("duplicateDeliveryRate at 1 publishes each record twice under the same message id", async () => {
  resetFiredCounts();
  const flags = useFlagValues({ duplicateDeliveryRate: 1 });
  const { kv, published, outbox, relay } = await relayWith(["a"]);
  try {
    assert.equal(await relay.flush(), 1);
    assert.deepEqual(published.map((m) => m.id), ["a", "a"]);
    assert.deepEqual(await outbox(), []);
    assert.equal(firedCounts().duplicateDeliveryRate, 1);
  } finally {
    flags.restore();
    kv.close();
  }
});

Deno.test("with flags off the relay publishes once and counts nothing", async () => {
  resetFiredCounts();
  const { kv, published, relay } = await relayWith(["a"]);
  try {
    assert.equal(await relay.flush(), 1);
    assert.deepEqual(published.map((m) => m.id), ["a"]);
    assert.deepEqual(firedCounts(), {});
  } finally {
    kv.close();
  }
});

Deno.test("an injected publish failure does not make the running relay back off as for a broker outage: the record goes out at the next periodic pass and nothing is logged as an outage", async () => {
  resetFiredCounts();
  const flags = useFlagValues({ relayPublishFailureRate: 1 });
  setFlagFiredListener(() => flags.set("relayPublishFailureRate", 0)); // fail the first publish only
  const recording = new RecordingLogger();
  const { kv, published, outbox, relay } = await relayWith(["a"], { intervalMs: 100, log: recording });
  try {
    const started = performance.now();
    relay.start();
    while (published.length === 0 && performance.now() - started < 3000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    assert.deepEqual(published.map((m) => m.id), ["a"]);
    assert.equal(firedCounts().relayPublishFailureRate, 1);
    // an outage backs off 1 s after the first failed pass; the next periodic pass is 100 ms away
    assert.ok(ms < 600, `published after ${ms.toFixed(0)} ms, expected the next 100 ms pass`);
    assert.deepEqual(recording.at("warn").map((l) => l.msg), [], "no outage warning");
    await relay.stop();
    assert.deepEqual(await outbox(), []);
  } finally {
    setFlagFiredListener(undefined);
    flags.restore();
    await relay.stop();
    kv.close();
  }
});
