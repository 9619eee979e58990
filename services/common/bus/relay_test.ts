import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { OUTBOX_PREFIX } from "./outbox.ts";
import { OutboxRelay } from "./relay.ts";
import type { Transport, WireMessage } from "./transport.ts";
import type { OutboxRecord } from "./types.ts";

const log = createLogger("test", "error");

function record(id: string): OutboxRecord {
  return { id, routingKey: "order.paid", body: "{}", occurredAt: new Date().toISOString() };
}

async function outboxIds(kv: Deno.Kv): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) ids.push(e.value.id);
  return ids;
}

/** A transport that records publishes (or never confirms them, when `hang`). */
function fakeTransport(hang = false): { transport: Transport; published: WireMessage[] } {
  const published: WireMessage[] = [];
  const transport = {
    publish(m: WireMessage) {
      if (hang) return new Promise<void>(() => {});
      published.push(m);
      return Promise.resolve();
    },
  } as unknown as Transport;
  return { transport, published };
}

Deno.test("stop() publishes what was committed after the relay's last pass, so a drained process leaves an empty outbox", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  // a long interval and no kick: only the final flush can publish the second record
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000 });
  try {
    await kv.set([...OUTBOX_PREFIX, "a"], record("a"));
    relay.start();
    for (let i = 0; i < 50 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.map((m) => m.id), ["a"]);

    await kv.set([...OUTBOX_PREFIX, "b"], record("b")); // e.g. the last in-flight message's commit
    await relay.stop();
    assert.deepEqual(published.map((m) => m.id), ["a", "b"]);
    assert.deepEqual(await outboxIds(kv), []);
  } finally {
    kv.close();
  }
});

Deno.test("stop() gives up on the final flush after its bound and leaves the record in the outbox for the next start", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport } = fakeTransport(true);
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000, startDelayMs: 60_000 });
  try {
    relay.start();
    await kv.set([...OUTBOX_PREFIX, "c"], record("c"));
    const started = performance.now();
    await relay.stop(200);
    const ms = performance.now() - started;
    assert.ok(ms >= 150 && ms < 1500, `stop took ${Math.round(ms)} ms`);
    assert.deepEqual(await outboxIds(kv), ["c"], "unconfirmed records stay in the outbox");
  } finally {
    kv.close();
  }
});
