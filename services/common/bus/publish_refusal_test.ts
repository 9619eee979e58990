import assert from "node:assert/strict";
import type { LogFields, Logger } from "../log.ts";
import { AmqpTransport } from "./amqp_transport.ts";
import { OUTBOX_PREFIX } from "./outbox.ts";
import { publishRefusal, PublishRefusedError } from "./publish_refusal.ts";
import { OutboxRelay } from "./relay.ts";
import { testBusConfig } from "./testing.ts";
import type { OutboxRecord } from "./types.ts";

function recordingLogger(): Logger & { lines: { level: string; msg: string; fields: LogFields }[] } {
  const lines: { level: string; msg: string; fields: LogFields }[] = [];
  const rec = (level: string) => (msg: string, fields: LogFields = {}) =>
    void lines.push({ level, msg, fields });
  return { lines, debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
}

Deno.test("only an access refusal becomes a PublishRefusedError", () => {
  assert.equal(publishRefusal(undefined, "u", "k", "x"), undefined);
  assert.equal(
    publishRefusal("Channel closed by server: 406 (PRECONDITION-FAILED)", "u", "k", "x"),
    undefined,
  );
  const err = publishRefusal(
    'Channel closed by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - write access to topic"',
    "oms-kitchen",
    "payment.succeeded",
    "oms.events",
  );
  assert.ok(err instanceof PublishRefusedError);
  assert.match(
    err.message,
    /broker user "oms-kitchen" publish "payment\.succeeded" to exchange "oms\.events"/,
  );
});

Deno.test("a publish the broker refuses says which key and user, the relay keeps the record, and later publishes still work", async () => {
  const bus = await testBusConfig();
  const log = recordingLogger();
  const kv = await Deno.openKv(":memory:");
  const transport = await AmqpTransport.connect({
    url: bus.urls.kitchen,
    exchange: bus.config.exchange,
    log,
  });
  try {
    const forged = {
      id: "m-1",
      routingKey: "payment.succeeded",
      body: new Uint8Array([123, 125]),
      attempt: 1,
    };
    await assert.rejects(() => transport.publish(forged), (err: Error) => {
      assert.ok(err instanceof PublishRefusedError, err.message);
      assert.equal(err.user, `${bus.config.brokerUserPrefix}kitchen`);
      assert.equal(err.routingKey, "payment.succeeded");
      return true;
    });
    const line = log.lines.find((l) => l.msg === "broker refused the publish");
    assert.ok(line, JSON.stringify(log.lines));
    assert.equal(line.level, "error");
    assert.equal(line.fields.routingKey, "payment.succeeded");
    assert.equal(line.fields.user, `${bus.config.brokerUserPrefix}kitchen`);

    // the broker closed the channel; the next publish of an allowed key opens a new one
    await transport.publish({ ...forged, id: "m-2", routingKey: "kitchen.ticket_ready" });

    // through the outbox relay: the refused record stays in the outbox (nothing lost)
    const record: OutboxRecord = {
      id: "m-3",
      routingKey: "payment.succeeded",
      body: "{}",
      occurredAt: new Date().toISOString(),
    };
    await kv.set([...OUTBOX_PREFIX, record.id], record);
    const relay = new OutboxRelay({ kv, transport, log });
    await assert.rejects(() => relay.flush(), PublishRefusedError);
    assert.deepEqual((await kv.get([...OUTBOX_PREFIX, record.id])).value, record);
  } finally {
    await transport.close();
    kv.close();
    await bus.cleanup();
  }
});
