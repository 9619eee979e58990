import assert from "node:assert/strict";
import { OutboxRelay } from "../bus/relay.ts";
import { OUTBOX_PREFIX } from "../bus/outbox.ts";
import type { Transport, WireMessage } from "../bus/transport.ts";
import type { OutboxRecord } from "../bus/types.ts";
import { createLogger } from "../log.ts";
import { firedCounts, resetFiredCounts } from "./fired.ts";
import { InjectedPublishFailure } from "./relay_effects.ts";
import { useFlagValues } from "./testing.ts";

const log = createLogger("test", "error");

async function relayWith(ids: string[]) {
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
  return { kv, published, outbox, relay: new OutboxRelay({ kv, transport, log, intervalMs: 60_000 }) };
}

Deno.test("relayPublishFailureRate at 1 fails every publish and leaves the records in the outbox; the next pass after it is off publishes them", async () => {
  resetFiredCounts();
  const flags = useFlagValues({ relayPublishFailureRate: 1 });
  const { kv, published, outbox, relay } = await relayWith(["a", "b"]);
  try {
    await assert.rejects(() => relay.flush(), InjectedPublishFailure);
    assert.equal(published.length, 0);
    assert.deepEqual(await outbox(), ["a", "b"]);
    assert.equal(firedCounts().relayPublishFailureRate, 2);
    flags.set("relayPublishFailureRate", 0);
    assert.equal(await relay.flush(), 2);
    assert.deepEqual(published.map((m) => m.id), ["a", "b"]);
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
