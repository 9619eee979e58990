import assert from "node:assert/strict";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";
import type { CommonConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { listDeadLetters } from "./dead_letters.ts";
import { startMessaging } from "./messaging.ts";
import { enqueueEvent } from "./outbox.ts";
import { eventually } from "./testing.ts";

const log = createLogger("test", "error");

const succeeded = (orderId: string) => ({
  orderId,
  sessionId: "s",
  providerEventId: `e-${orderId}`,
  amount: undefined,
  paidAt: new Date(),
});

Deno.test("on the in-memory bus each service's user is stamped too: payments' facts are accepted (retries included), another service's are parked", async () => {
  const config: CommonConfig = {
    amqpUrl: "memory",
    exchange: `mem-owner.${crypto.randomUUID()}`,
    queuePrefix: "mem-owner",
    dataDir: ":memory:",
    retryDelaysMs: [10],
    serviceToken: TEST_SERVICE_TOKEN,
  };
  const kvs = await Promise.all([0, 1, 2].map(() => Deno.openKv(":memory:")));
  const [ordersKv, paymentsKv, kitchenKv] = kvs as [Deno.Kv, Deno.Kv, Deno.Kv];
  const seen: string[] = [];
  const orders = await startMessaging({
    service: "orders",
    kv: ordersKv,
    config,
    log,
    handlers: {
      "payment.link_created": () => Promise.resolve(),
      "payment.succeeded": (e, ctx) => {
        seen.push(`${e.orderId}#${ctx.attempt}`);
        // the first delivery of "flaky" fails: its retry is re-sent by orders' own user
        return e.orderId === "flaky" && ctx.attempt === 1
          ? Promise.reject(new Error("flaky"))
          : Promise.resolve();
      },
      "payment.failed": () => Promise.resolve(),
      "payment.expired": () => Promise.resolve(),
      "payment.refunded": () => Promise.resolve(),
      "kitchen.ticket_started": () => Promise.resolve(),
      "kitchen.ticket_ready": () => Promise.resolve(),
      "kitchen.ticket_reopened": () => Promise.resolve(),
    },
  });
  const payments = await startMessaging({ service: "payments", kv: paymentsKv, config, log });
  const kitchen = await startMessaging({ service: "kitchen", kv: kitchenKv, config, log });
  try {
    for (
      const [kv, m, orderId] of [[paymentsKv, payments, "real"], [paymentsKv, payments, "flaky"], [
        kitchenKv,
        kitchen,
        "forged",
      ]] as const
    ) {
      const op = kv.atomic();
      enqueueEvent(op, "payment.succeeded", succeeded(orderId), { id: `id-${orderId}` });
      await op.commit();
      m.kick();
    }
    const parked = await eventually(
      async () => (await listDeadLetters(ordersKv)).at(0),
      "the forgery parked",
    );
    assert.equal(parked.messageId, "id-forged");
    assert.match(parked.reason, /may only come from broker user "oms-payments".*"oms-kitchen"/);
    await eventually(() => seen.includes("flaky#2"), "the retried fact accepted");
    assert.deepEqual(seen.sort(), ["flaky#1", "flaky#2", "real#1"]);
    assert.equal((await listDeadLetters(ordersKv)).length, 1);
  } finally {
    await orders.stop();
    await payments.stop();
    await kitchen.stop();
    for (const kv of kvs) kv.close();
  }
});

Deno.test("a service whose AMQP URL names another user does not start, and says which user it needs", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await assert.rejects(
      () =>
        startMessaging({
          service: "payments",
          kv,
          config: {
            amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
            exchange: "x",
            queuePrefix: "q",
            dataDir: ":memory:",
            retryDelaysMs: [10],
            serviceToken: TEST_SERVICE_TOKEN,
          },
          log,
        }),
      /payments must connect to RabbitMQ as its own broker user "oms-payments", but its AMQP URL names "guest"/,
    );
  } finally {
    kv.close();
  }
});
