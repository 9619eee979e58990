/**
 * Test helpers for messaging against the real RabbitMQ: an isolated exchange, queue prefix and set of
 * broker users per run (each service its own user with its own topic permissions), cleaned up
 * afterwards; an observer that records every event on the exchange; raw publishing for poison-message
 * and forged-event tests. Test code only.
 *
 * @module
 */
import amqp from "amqplib";
import { type CommonConfig, DEFAULT_RETRY_DELAYS_MS, type ServiceName } from "../config.ts";
import { type BrokerAdmin, connectBrokerAdmin } from "../../../scripts/broker_admin.ts";
import { removeBrokerUsers, setUpBrokerUsers } from "../../../scripts/broker_users.ts";
import { ownerOf } from "./owner.ts";
import { TOPOLOGY } from "../topology.ts";
import type { EventHandlers } from "./types.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";

const SERVICES = ["orders", "stock", "payments", "kitchen"];

/** A unique config for one test run, plus cleanup of everything it declared. */
export interface TestBus {
  /** `amqpUrl` is the administrator's (observers, cleanup); `amqpUrls` holds each service's own user. */
  config: CommonConfig;
  /** Each service's AMQP URL, connecting as its own broker user of this run. */
  urls: Record<ServiceName, string>;
  /** Deletes the run's queues (service, dead-letter, retry), exchange and broker users. */
  cleanup(): Promise<void>;
}

let admin: Promise<BrokerAdmin> | undefined;

/** The broker admin tests create users with (management API, else rabbitmqctl), made once. */
export function testBrokerAdmin(): Promise<BrokerAdmin> {
  admin ??= connectBrokerAdmin(testAmqpUrl());
  return admin;
}

/** The bus environment of `service` as its own process: its own broker user, the run's names. */
export function serviceBusEnv(bus: TestBus, service: ServiceName): Record<string, string> {
  return {
    AMQP_URL: bus.urls[service],
    OMS_EXCHANGE: bus.config.exchange,
    OMS_QUEUE_PREFIX: bus.config.queuePrefix,
    OMS_BROKER_USER_PREFIX: bus.config.brokerUserPrefix ?? "",
  };
}

/** The broker URL tests use (`AMQP_URL`, default the local guest account). */
export function testAmqpUrl(): string {
  return Deno.env.get("AMQP_URL") || "amqp://guest:guest@127.0.0.1:5672";
}

/**
 * Creates an isolated bus config for one test: exchange `test.<id>`, queues `test-<id>.*`, broker users
 * `test-<id>-<service>` with the permissions of production (scripts/broker_users.ts).
 */
export async function testBusConfig(dataDir = ":memory:", retryDelaysMs = [50, 100]): Promise<TestBus> {
  const id = crypto.randomUUID().slice(0, 8);
  const names = { prefix: `test-${id}-`, exchange: `test.${id}`, queuePrefix: `test-${id}` };
  const brokerAdmin = await testBrokerAdmin();
  const { urls } = await setUpBrokerUsers(brokerAdmin, testAmqpUrl(), names);
  const config: CommonConfig = {
    amqpUrl: testAmqpUrl(),
    exchange: names.exchange,
    queuePrefix: names.queuePrefix,
    dataDir,
    retryDelaysMs,
    brokerUserPrefix: names.prefix,
    amqpUrls: urls,
    serviceToken: TEST_SERVICE_TOKEN,
  };
  return {
    config,
    urls,
    async cleanup() {
      await removeBrokerUsers(brokerAdmin, names.prefix);
      const conn = await amqp.connect(config.amqpUrl);
      try {
        for (const svc of SERVICES) {
          for (
            const q of [
              `${config.queuePrefix}.${svc}`,
              `${config.queuePrefix}.${svc}.dead`,
              // a service started as its own process (serviceBusEnv) declares the default delays' queues
              ...[...new Set([...retryDelaysMs, ...DEFAULT_RETRY_DELAYS_MS])].map((d) =>
                `${config.queuePrefix}.${svc}.retry.${d}ms`
              ),
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

/** Options of {@linkcode publishRaw}. */
export interface PublishRawOptions {
  messageId?: string;
  headers?: Record<string, unknown>;
  /**
   * Who publishes: a service's broker user of this run, or "admin" (the test broker URL, guest). The
   * default is the routing key's owner (so the message is a genuine fact), else "admin".
   */
  as?: ServiceName | "admin";
  /** The `user_id` property; default the connection's user, `false` for none. */
  userId?: string | false;
}

/**
 * Publishes raw bytes to the test exchange (malformed-message and forged-event tests). Rejects when the
 * broker refuses the publish (topic permissions, a `user_id` that is not the connection's user).
 */
export async function publishRaw(
  config: CommonConfig,
  routingKey: string,
  body: string,
  options: PublishRawOptions = {},
): Promise<void> {
  const owner = ownerOf(routingKey);
  const as = options.as ?? (owner && config.amqpUrls?.[owner] ? owner : "admin");
  const url = as === "admin" ? config.amqpUrl : config.amqpUrls?.[as];
  if (!url) throw new Error(`publishRaw: no broker user for "${as}" in this test bus`);
  const user = decodeURIComponent(new URL(url.replace(/^amqps?:/, "http:")).username || "guest");
  const userId = options.userId === undefined ? user : options.userId;
  const conn = await amqp.connect(url);
  conn.on("error", () => {}); // a refused publish closes the channel; the publish below rejects
  try {
    const ch = await conn.createConfirmChannel();
    ch.on("error", () => {});
    await ch.assertExchange(config.exchange, "topic", { durable: true });
    await new Promise<void>((resolve, reject) => {
      ch.publish(config.exchange, routingKey, Buffer.from(body), {
        persistent: true,
        ...(options.messageId !== undefined ? { messageId: options.messageId } : {}),
        ...(userId ? { userId } : {}),
        headers: options.headers ?? {},
      }, (err: unknown) => err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve());
    });
  } finally {
    await conn.close().catch(() => {});
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

/**
 * `handlers` plus a no-op handler for every other routing key `service` is bound to in the topology,
 * for a test that consumes as `service` but cares about some of its events only (a consumer must
 * handle every binding of its service, see `checkTopology`).
 */
export function ignoringOtherBindings(
  service: keyof typeof TOPOLOGY,
  handlers: EventHandlers,
): EventHandlers {
  const all: EventHandlers = {};
  for (const key of TOPOLOGY[service]) (all as Record<string, unknown>)[key] = () => Promise.resolve();
  return { ...all, ...handlers };
}
