/**
 * Test helpers for messaging against the real RabbitMQ: an isolated exchange and queue prefix per run,
 * cleaned up afterwards; an observer that records every event on the exchange; raw publishing for
 * poison-message tests. Test code only.
 *
 * @module
 */
import amqp from "amqplib";
import type { CommonConfig } from "../config.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";

const SERVICES = ["orders", "stock", "payments", "kitchen"];

/** A unique config for one test run, plus cleanup of everything it declared. */
export interface TestBus {
  config: CommonConfig;
  /** Deletes the run's queues (service, retry) and exchange. */
  cleanup(): Promise<void>;
}

/** The broker URL tests use (`AMQP_URL`, default the local guest account). */
export function testAmqpUrl(): string {
  return Deno.env.get("AMQP_URL") || "amqp://guest:guest@127.0.0.1:5672";
}

/** Creates an isolated bus config for one test (exchange `test.<id>`, queues `test-<id>.*`). */
export function testBusConfig(dataDir = ":memory:", retryDelaysMs = [50, 100]): TestBus {
  const id = crypto.randomUUID().slice(0, 8);
  const config: CommonConfig = {
    amqpUrl: testAmqpUrl(),
    exchange: `test.${id}`,
    queuePrefix: `test-${id}`,
    dataDir,
    retryDelaysMs,
    serviceToken: TEST_SERVICE_TOKEN,
  };
  return {
    config,
    async cleanup() {
      const conn = await amqp.connect(config.amqpUrl);
      try {
        for (const svc of SERVICES) {
          for (
            const q of [
              `${config.queuePrefix}.${svc}`,
              ...retryDelaysMs.map((d) => `${config.queuePrefix}.${svc}.retry.${d}ms`),
            ]
          ) {
            const ch = await conn.createChannel();
            await ch.deleteQueue(q).catch(() => {});
            await ch.close().catch(() => {});
          }
        }
        const ch = await conn.createChannel();
        await ch.deleteExchange(config.exchange).catch(() => {});
        await ch.close().catch(() => {});
      } finally {
        await conn.close();
      }
    },
  };
}

/** One event seen by an {@linkcode EventObserver}. */
export interface ObservedEvent {
  routingKey: string;
  messageId: string;
  body: Record<string, unknown>;
  traceparent?: string;
}

/** Records every message published on a test exchange (through an exclusive, auto-deleted queue). */
export class EventObserver {
  /** Events in arrival order. */
  readonly events: ObservedEvent[] = [];
  #close: () => Promise<void> = async () => {};

  /** Starts observing `config.exchange` with `binding` (default all). */
  static async start(config: CommonConfig, binding = "#"): Promise<EventObserver> {
    const o = new EventObserver();
    const conn = await amqp.connect(config.amqpUrl);
    const ch = await conn.createChannel();
    await ch.assertExchange(config.exchange, "topic", { durable: true });
    const { queue } = await ch.assertQueue("", { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, config.exchange, binding);
    await ch.consume(queue, (m) => {
      if (!m) return;
      const h = (m.properties.headers ?? {}) as Record<string, unknown>;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(new TextDecoder().decode(m.content));
      } catch {
        body = { _raw: new TextDecoder().decode(m.content) };
      }
      o.events.push({
        routingKey: m.fields.routingKey,
        messageId: String(m.properties.messageId ?? ""),
        body,
        ...(typeof h.traceparent === "string" ? { traceparent: h.traceparent } : {}),
      });
    }, { noAck: true });
    o.#close = async () => {
      await conn.close().catch(() => {});
    };
    return o;
  }

  /** Events with routing key `key` (optionally about `orderId`). */
  of(key: string, orderId?: string): ObservedEvent[] {
    return this.events.filter((e) =>
      e.routingKey === key && (orderId === undefined || e.body.orderId === orderId)
    );
  }

  /** Waits until `predicate` holds over the events, or throws after `timeoutMs`. */
  async waitFor(
    predicate: (events: ObservedEvent[]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > end) {
        throw new Error(
          `Timed out waiting for ${what}; saw: ${this.events.map((e) => e.routingKey).join(", ")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Stops observing. */
  close(): Promise<void> {
    return this.#close();
  }
}

/** Publishes raw bytes to the test exchange (for malformed-message tests). */
export async function publishRaw(
  config: CommonConfig,
  routingKey: string,
  body: string,
  options: { messageId?: string; headers?: Record<string, unknown> } = {},
): Promise<void> {
  const conn = await amqp.connect(config.amqpUrl);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(config.exchange, "topic", { durable: true });
    ch.publish(config.exchange, routingKey, Buffer.from(body), {
      persistent: true,
      ...(options.messageId !== undefined ? { messageId: options.messageId } : {}),
      headers: options.headers ?? {},
    });
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

/** Polls `check` until it returns a truthy value, or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
