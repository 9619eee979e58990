import assert from "node:assert/strict";
import { messagingGauges } from "./service_gauges.ts";
import type { Transport } from "../bus/transport.ts";

Deno.test("outbox size and oldest age, dead letters and queue depth are read on collection", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const now = Date.parse("2026-01-01T00:01:00Z");
    await kv.set(["outbox", "0001"], {
      id: "0001",
      routingKey: "order.created",
      body: "{}",
      occurredAt: "2026-01-01T00:00:00Z",
    });
    await kv.set(["outbox", "0002"], {
      id: "0002",
      routingKey: "order.paid",
      body: "{}",
      occurredAt: "2026-01-01T00:00:30Z",
    });
    await kv.set(["dead_letters", "x"], { id: "x" });
    const transport = {
      connected: true,
      queueDepth: (q: string) => Promise.resolve(q === "oms.orders" ? 7 : -1),
    };
    const seen: Record<string, number> = {};
    await messagingGauges({
      service: "orders",
      kv,
      queue: "oms.orders",
      transport: transport as unknown as Transport,
      now: () => now,
    })((gauge, value, attrs) => {
      seen[`${gauge}:${JSON.stringify(attrs)}`] = value;
    });
    assert.deepEqual(seen, {
      'outboxRecords:{"oms.service":"orders"}': 2,
      'outboxOldestAge:{"oms.service":"orders"}': 60,
      'deadLetters:{"oms.service":"orders"}': 1,
      'queueDepth:{"messaging.destination.name":"oms.orders"}': 7,
    });
  } finally {
    kv.close();
  }
});

Deno.test("an empty outbox is 0 s old, and a publisher-only service reports no queue depth", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const seen: Record<string, number> = {};
    await messagingGauges({ service: "payments", kv })((gauge, value) => {
      seen[gauge] = value;
    });
    assert.deepEqual(seen, { outboxRecords: 0, outboxOldestAge: 0, deadLetters: 0 });
  } finally {
    kv.close();
  }
});
