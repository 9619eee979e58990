/**
 * The consumer of one service's queue. For each delivery: decode (a malformed message is parked at
 * once), drop it if the inbox has seen its id, else run the handler into an atomic operation that
 * already holds the inbox check and mark, commit, then acknowledge. A handler error schedules a retry
 * with the next delay; when the delays run out the message is parked. The consumer never crashes on
 * a message, and never leaves one unsettled because of a failure of its own: every delivery ends
 * acknowledged (processed, duplicate, parked, or sent to retry) or, when even parking fails (the store
 * is down), rejected to the broker's dead-letter queue `<queue>.dead`. A stalled prefetch window is
 * therefore impossible: a body over {@linkcode MAX_EVENT_BODY_BYTES} is parked without parsing, one that
 * breaks its schema is parked at once, and the parked record is bounded so that parking cannot fail on
 * size.
 *
 * Tracing: each delivery is processed in a CONSUMER span `process <routing key>` (OpenTelemetry
 * messaging conventions) whose parent is the producer span named by the message's `traceparent` header.
 * The span is active while the handler runs, so what the handler calls and enqueues continues the trace,
 * and the handler's `ctx.traceparent` is the consumer span's (the message's own while tracing is off).
 *
 * @module
 */
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  decodeEvent,
  isRoutingKey,
  MalformedEventError,
  MAX_EVENT_BODY_BYTES,
  type RoutingKey,
} from "../events.ts";
import type { Logger } from "../log.ts";
import { contextFromTraceparent, currentTraceparent } from "../trace.ts";
import { withSpan } from "../tracing/spans.ts";
import { park } from "./dead_letters.ts";
import { brokerUser, DEFAULT_BROKER_USER_PREFIX, ownerRefusal, publisherOf } from "./owner.ts";
import { deadQueueOf, type Transport, type WireMessage } from "./transport.ts";
import type { EventHandler, EventHandlers } from "./types.ts";

/** The KV prefix of processed message ids. */
export const INBOX_PREFIX: Deno.KvKey = ["inbox"];
/** How long a processed id is remembered (redeliveries come far sooner). */
export const INBOX_TTL_MS = 7 * 24 * 3600 * 1000;
const MAX_CONFLICTS = 20;
const decoder = new TextDecoder();

/** Options of {@linkcode Consumer}. */
export interface ConsumerOptions {
  service: string;
  queue: string;
  kv: Deno.Kv;
  transport: Transport;
  handlers: EventHandlers;
  retryDelaysMs: number[];
  log: Logger;
  /** Called after each successful commit (to kick the outbox relay). */
  onCommitted?: () => void;
  /** The exchange the queue is bound to (`messaging.destination.name` on spans; default "oms.events"). */
  exchange?: string;
  /** `messaging.system` on spans (default "rabbitmq"). */
  messagingSystem?: string;
  /** Prefix of the services' broker users (default "oms-"); facts are accepted only from their owner. */
  brokerUserPrefix?: string;
}

/**
 * What happened to one delivery: all but `"rejected"` end in an acknowledgement; `"rejected"` (parking
 * failed) dead-letters it to the broker's `<queue>.dead`.
 */
export type Outcome = "processed" | "duplicate" | "retry" | "parked" | "rejected";

/** Consumes one service queue. Deliveries are processed one at a time, in arrival order. */
export class Consumer {
  #chain: Promise<void> = Promise.resolve();
  #inFlight = 0;
  #idle: (() => void)[] = [];
  /** Counts of outcomes, for tests and logs. */
  readonly stats: Record<Outcome, number> = { processed: 0, duplicate: 0, retry: 0, parked: 0, rejected: 0 };

  /** Creates the consumer; call {@linkcode start}. */
  constructor(private readonly opts: ConsumerOptions) {}

  /** This service's broker user (its retries and replays carry the original publisher). */
  get #ownUser(): string {
    return brokerUser(this.opts.brokerUserPrefix ?? DEFAULT_BROKER_USER_PREFIX, this.opts.service);
  }

  /** The routing keys this consumer binds. */
  get bindings(): string[] {
    return Object.keys(this.opts.handlers);
  }

  /** Declares the queue and starts consuming. */
  async start(): Promise<void> {
    await this.opts.transport.consume(this.opts.queue, this.bindings, (message, settle) => {
      this.#inFlight++;
      this.#chain = this.#chain.then(async () => {
        let outcome: Outcome = "rejected";
        try {
          outcome = await this.handle(message);
        } catch (err) {
          // handle() settles every failure it knows of; this is a bug, and the message must not stall
          this.stats.rejected++;
          this.opts.log.error("message rejected to the broker's dead-letter queue", {
            id: message.id,
            routingKey: message.routingKey,
            deadQueue: deadQueueOf(this.opts.queue),
            err,
          });
        } finally {
          settle(outcome === "rejected" ? "reject" : "ack");
          this.#inFlight--;
          if (this.#inFlight === 0) { for (const f of this.#idle.splice(0)) f(); }
        }
      });
    });
  }

  /** Stops taking deliveries and waits for the one in progress. */
  async stop(): Promise<void> {
    await this.opts.transport.stopConsuming();
    if (this.#inFlight > 0) await new Promise<void>((r) => this.#idle.push(r));
  }

  /** Processes one delivery to a final outcome (the caller then acknowledges or rejects it). */
  async handle(message: WireMessage): Promise<Outcome> {
    const { queue, exchange = "oms.events", messagingSystem = "rabbitmq" } = this.opts;
    const outcome = await withSpan(`process ${message.routingKey}`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        "messaging.system": messagingSystem,
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": exchange,
        "messaging.destination.subscription.name": queue,
        "messaging.rabbitmq.destination.routing_key": message.routingKey,
        "messaging.message.id": message.id,
        "messaging.message.body.size": message.body.byteLength,
        "oms.messaging.attempt": message.attempt,
      },
    }, async (span) => {
      const outcome = await this.#handle(message);
      span.setAttribute("oms.messaging.outcome", outcome);
      return outcome;
    }, contextFromTraceparent(message.traceparent));
    this.stats[outcome]++;
    return outcome;
  }

  async #handle(message: WireMessage): Promise<Outcome> {
    const { kv, log, service } = this.opts;
    const rk = message.routingKey;
    const refused = ownerRefusal(
      message,
      this.opts.brokerUserPrefix ?? DEFAULT_BROKER_USER_PREFIX,
      this.#ownUser,
    );
    if (refused) return await this.#park(message, refused);
    if (!message.id) return await this.#park(message, "Message has no message id");
    if (!isRoutingKey(rk)) return await this.#park(message, `Unknown routing key "${rk}"`);
    const handler = this.opts.handlers[rk] as EventHandler<RoutingKey> | undefined;
    if (!handler) return await this.#park(message, `${service} has no handler for "${rk}"`);
    const size = message.body.byteLength;
    if (size > MAX_EVENT_BODY_BYTES) {
      return await this.#park(
        message,
        `Body of ${rk} is ${size} bytes, over the limit of ${MAX_EVENT_BODY_BYTES}`,
      );
    }
    let payload;
    try {
      payload = decodeEvent(rk, decoder.decode(message.body));
    } catch (err) {
      return await this.#park(message, (err as Error).message);
    }
    const inboxKey = [...INBOX_PREFIX, message.id];
    try {
      for (let i = 0; i < MAX_CONFLICTS; i++) {
        if ((await kv.get(inboxKey)).versionstamp !== null) return "duplicate";
        const op = kv.atomic()
          .check({ key: inboxKey, versionstamp: null })
          .set(inboxKey, { at: new Date().toISOString(), routingKey: rk }, { expireIn: INBOX_TTL_MS });
        // the consumer span when tracing is on, so what the handler enqueues hangs off it
        const traceparent = currentTraceparent() ?? message.traceparent;
        await handler(payload, {
          op,
          kv,
          messageId: message.id,
          routingKey: rk,
          attempt: message.attempt,
          ...(traceparent ? { traceparent } : {}),
        });
        const res = await op.commit();
        if (res.ok) {
          this.opts.onCommitted?.();
          return "processed";
        }
      }
      throw new Error(`Gave up after ${MAX_CONFLICTS} conflicting commits`);
    } catch (err) {
      if (err instanceof MalformedEventError) return await this.#park(message, err.message);
      const delays = this.opts.retryDelaysMs;
      const reason = (err as Error).message ?? String(err);
      if (message.attempt > delays.length) {
        return await this.#park(message, `Failed ${message.attempt} times; last error: ${reason}`);
      }
      const delay = delays[message.attempt - 1]!;
      trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: `Will retry: ${reason}` });
      log.warn("event handler failed, will retry", {
        id: message.id,
        routingKey: rk,
        attempt: message.attempt,
        delay,
        err: reason,
      });
      try {
        await this.opts.transport.retryLater(
          this.opts.queue,
          { ...message, attempt: message.attempt + 1, originalUserId: publisherOf(message, this.#ownUser) },
          delay,
        );
      } catch (retryErr) {
        const why = (retryErr as Error)?.message ?? String(retryErr);
        return await this.#park(
          message,
          `Could not schedule retry ${message.attempt} (${why}); last error: ${reason}`,
        );
      }
      return "retry";
    }
  }

  /** Parks `message`; when parking fails, the outcome is `"rejected"` (to the broker's dead-letter queue). */
  async #park(message: WireMessage, reason: string): Promise<Outcome> {
    trace.getActiveSpan()?.setStatus({
      code: SpanStatusCode.ERROR,
      message: `Parked: ${reason.slice(0, 500)}`,
    });
    // the record keeps who stated the message, so a replay is checked against its owner again
    const { originalUserId: _o, ...rest } = message;
    const userId = publisherOf(message, this.#ownUser);
    try {
      await park(this.opts.kv, this.opts.service, { ...rest, ...(userId ? { userId } : {}) }, reason);
    } catch (err) {
      this.opts.log.error("could not park message; rejecting it to the broker's dead-letter queue", {
        id: message.id,
        routingKey: message.routingKey,
        deadQueue: deadQueueOf(this.opts.queue),
        reason: reason.slice(0, 500),
        err: (err as Error)?.message ?? String(err),
      });
      return "rejected";
    }
    this.opts.log.warn("message parked in dead letters", {
      id: message.id,
      routingKey: message.routingKey,
      reason: reason.slice(0, 500),
    });
    return "parked";
  }
}
