/**
 * Wires messaging for one service: picks the transport (RabbitMQ, or the in-process bus when
 * `AMQP_URL=memory`), starts the outbox relay and, when the service has handlers, the consumer of its
 * durable queue `<prefix>.<service>`. Also serves the service's dead letters over gRPC.
 *
 * @module
 */
import type { CommonConfig, ServiceName } from "../config.ts";
import type { ServedService } from "../grpc_server.ts";
import type { Logger } from "../log.ts";
import { AmqpTransport } from "./amqp_transport.ts";
import { parseAmqpUrls } from "../amqp_urls.ts";
import { Consumer } from "./consumer.ts";
import { StaffClaims } from "../auth/staff_claim.ts";
import { deadLettersService } from "./dead_letters.ts";
import { MemoryBroker, MemoryTransport } from "./memory_transport.ts";
import { OutboxRelay } from "./relay.ts";
import { queuesOf, RETIRED_BINDINGS, TOPOLOGY } from "../topology.ts";
import type { Transport } from "./transport.ts";
import type { EventHandlers, OutboxRecord } from "./types.ts";
import { brokerUser, checkConnectionUser, DEFAULT_BROKER_USER_PREFIX } from "./owner.ts";

/** Options of {@linkcode startMessaging}. */
export interface MessagingOptions {
  /** The consuming service's name; its queue is `<queuePrefix>.<service>`. */
  service: string;
  kv: Deno.Kv;
  config: CommonConfig;
  log: Logger;
  /** Handlers by routing key; none means the service only publishes. */
  handlers?: EventHandlers;
  /** Delay before the relay's first pass (tests use it to open a crash window). */
  relayStartDelayMs?: number;
  /** Aborting it stops waiting for the broker (start-up waits for it as long as it takes). */
  signal?: AbortSignal;
}

/** A service's running messaging. */
export interface Messaging {
  /**
   * Wakes the outbox relay (call after a commit that enqueued events). Pass the records the commit
   * wrote to the outbox to have exactly those published without a scan; no argument asks for a scan.
   */
  kick(records?: readonly OutboxRecord[]): void;
  /** The dead-letters gRPC service, for the service's gRPC server. */
  deadLettersService: ServedService;
  /** The service queue name. */
  queue: string;
  /** The relay (for tests: `flush()`, `published`). */
  relay: OutboxRelay;
  /** The consumer, when the service has handlers. */
  consumer: Consumer | undefined;
  /** The transport in use. */
  transport: Transport;
  /** Stops consuming (waiting for the message in progress), stops the relay, closes the connection. */
  stop(): Promise<void>;
}

const memoryBrokers = new Map<string, MemoryBroker>();

/** The process-wide in-memory broker for `exchange` (single-process dev fallback). */
export function memoryBroker(exchange: string): MemoryBroker {
  let b = memoryBrokers.get(exchange);
  if (!b) {
    b = new MemoryBroker();
    memoryBrokers.set(exchange, b);
  }
  return b;
}

/** The durable queue of `service`: `<queuePrefix>.<service>`. */
export function serviceQueue(config: CommonConfig, service: string): string {
  return `${config.queuePrefix}.${service}`;
}

/**
 * Connects the transport named by `config.amqpUrl` (or `config.amqpUrls[service]`; one node or a
 * comma-separated list of a cluster's nodes, see `amqp_urls.ts`), waiting for a broker
 * that is not up yet (logged, bounded backoff) until `signal` aborts. With a `service`, the connection
 * must be that service's own broker user (a clear error otherwise), and the in-memory bus stamps that
 * user on what it sends, as RabbitMQ does.
 */
export async function connectTransport(
  config: CommonConfig,
  log: Logger,
  signal?: AbortSignal,
  service?: ServiceName,
): Promise<Transport> {
  const prefix = config.brokerUserPrefix ?? DEFAULT_BROKER_USER_PREFIX;
  const url = (service && config.amqpUrls?.[service]) || config.amqpUrl;
  if (url === "memory") {
    return new MemoryTransport(memoryBroker(config.exchange), service && brokerUser(prefix, service));
  }
  const variable = service && config.amqpUrls?.[service] ? `${service.toUpperCase()}_AMQP_URL` : "AMQP_URL";
  const urls = parseAmqpUrls(url, variable);
  if (service) checkConnectionUser(urls[0]!, prefix, service);
  return await AmqpTransport.connect({
    url: urls,
    exchange: config.exchange,
    log,
    queues: {
      ...(config.queueType ? { type: config.queueType } : {}),
      ...(config.deliveryLimit ? { deliveryLimit: config.deliveryLimit } : {}),
    },
    retryDelaysMs: config.retryDelaysMs,
    ...(signal ? { signal } : {}),
  });
}

/** Starts messaging for one service. */
export async function startMessaging(opts: MessagingOptions): Promise<Messaging> {
  const { config, log, service } = opts;
  const handlers = opts.handlers ?? {};
  checkTopology(service, Object.keys(handlers));
  const transport = await connectTransport(config, log, opts.signal, service as ServiceName);
  const queue = serviceQueue(config, service);
  try {
    return await startOn(transport, queue, handlers, opts);
  } catch (err) {
    await transport.close();
    throw err;
  }
}

/** Declares the topology, starts the relay and the consumer on a connected `transport`. */
async function startOn(
  transport: Transport,
  queue: string,
  handlers: EventHandlers,
  opts: MessagingOptions,
): Promise<Messaging> {
  const { kv, config, log, service } = opts;
  await transport.declareTopology(queuesOf(config.queuePrefix));
  // span attributes (messaging conventions): the broker kind and the exchange
  const messagingSystem = config.amqpUrl === "memory" ? "memory" : "rabbitmq";
  const relay = new OutboxRelay({
    kv,
    transport,
    log,
    exchange: config.exchange,
    messagingSystem,
    startDelayMs: opts.relayStartDelayMs ?? config.relayStartDelayMs ?? 0,
  });
  relay.start();
  const retired = retiredKeysOf(service);
  const consumer = Object.keys(handlers).length > 0
    ? new Consumer({
      service,
      queue,
      kv,
      transport,
      handlers,
      ...(retired ? { retiredKeys: retired } : {}),
      retryDelaysMs: config.retryDelaysMs,
      log,
      exchange: config.exchange,
      messagingSystem,
      onCommitted: (records) => relay.kick(records),
      ...(config.brokerUserPrefix !== undefined ? { brokerUserPrefix: config.brokerUserPrefix } : {}),
    })
    : undefined;
  try {
    await consumer?.start();
  } catch (err) {
    await relay.stop();
    throw err;
  }
  log.info("messaging started", {
    transport: transport.description,
    queue,
    bindings: consumer?.bindings ?? [],
  });
  return {
    kick: (records) => relay.kick(records),
    deadLettersService: deadLettersService({
      kv,
      service,
      queue,
      transport: () => transport,
      staffClaims: new StaffClaims(config.serviceToken),
      log,
    }),
    queue,
    relay,
    consumer,
    transport,
    async stop() {
      await consumer?.stop();
      await relay.stop();
      await transport.close();
    },
  };
}

/** Throws when a service's handlers and its bindings in {@linkcode TOPOLOGY} disagree. */
export function checkTopology(service: string, handled: string[]): void {
  if (handled.length === 0) return; // a publisher-only instance
  const bound: readonly string[] = (TOPOLOGY as Record<string, readonly string[]>)[service] ?? [];
  const missing = bound.filter((k) => !handled.includes(k));
  const extra = handled.filter((k) => !bound.includes(k));
  if (missing.length || extra.length) {
    throw new Error(
      `Handlers of ${service} do not match services/common/topology.ts: ` +
        `${missing.length ? `bound but not handled: ${missing.join(", ")}; ` : ""}` +
        `${extra.length ? `handled but not bound: ${extra.join(", ")}` : ""}`,
    );
  }
}

/** The routing keys `service`'s queue no longer binds (see `RETIRED_BINDINGS`), if any. */
function retiredKeysOf(service: string): readonly string[] | undefined {
  return (RETIRED_BINDINGS as Record<string, readonly string[] | undefined>)[service];
}
