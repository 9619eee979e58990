import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import type { Instruments } from "../metrics/instruments.ts";
import { setInstruments } from "../metrics/record.ts";
import { outboxKey } from "./outbox.ts";
import { OutboxRelay } from "./relay.ts";
import type { Transport, WireMessage } from "./transport.ts";
import type { OutboxRecord } from "./types.ts";

const log = createLogger("test", "error");

class RefusedError extends Error {
  override name = "RefusedError";
}

Deno.test("each publish is counted by routing key, a failed one with its error type", async () => {
  const sent: string[] = [];
  setInstruments({
    sent: {
      add: (_n: number, a: Record<string, unknown>) =>
        sent.push(`${a["messaging.rabbitmq.destination.routing_key"]} ${a["error.type"] ?? "ok"}`),
    },
  } as unknown as Instruments);
  const kv = await Deno.openKv(":memory:");
  const transport = {
    publish: (m: WireMessage) =>
      m.routingKey === "order.cancelled" ? Promise.reject(new RefusedError("refused")) : Promise.resolve(),
  } as unknown as Transport;
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000 });
  try {
    const at = new Date().toISOString();
    const records: OutboxRecord[] = [
      { id: "1", routingKey: "order.paid", body: "{}", occurredAt: at },
      { id: "2", routingKey: "order.created", body: "{}", occurredAt: at },
      { id: "3", routingKey: "order.cancelled", body: "{}", occurredAt: at },
    ];
    for (const r of records) await kv.set(outboxKey(r.id), r);
    await assert.rejects(relay.flush(), RefusedError);
  } finally {
    setInstruments(undefined);
    kv.close();
  }
  assert.deepEqual(sent.sort(), ["order.cancelled RefusedError", "order.created ok", "order.paid ok"]);
});
