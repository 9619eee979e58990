/**
 * The messaging contract every service programs against (see DESIGN.md, "Messaging rules").
 *
 * - Publishing: a service never publishes directly. It adds the event to its outbox inside the same
 *   `Deno.AtomicOperation` as its state change ({@linkcode import("./outbox.ts").enqueueEvent}); the
 *   outbox relay publishes with publisher confirms and then deletes the record.
 * - Consuming: a service gives one handler per routing key. The handler receives the decoded payload
 *   and an atomic operation already holding the inbox check (this message id not seen yet) and the
 *   inbox mark; it adds its own checks, mutations and outbox events to that operation and returns.
 *   The consumer commits it, then acks; deliveries that arrive together share one commit (see
 *   `consumer.ts`), so a handler never commits `ctx.op` itself and reads through `ctx.kv`, which
 *   notes what it read so that deliveries touching the same keys are not applied in one commit. A handler that throws is retried with growing delay, then
 *   parked in dead letters; a {@linkcode import("../events.ts").MalformedEventError} is parked at once.
 *
 * @module
 */
import type { EventPayload, RoutingKey } from "../events.ts";

/** What a handler gets besides the payload. */
export interface HandlerContext {
  /** The operation the consumer commits after the handler returns; add mutations and events to it. */
  op: Deno.AtomicOperation;
  /** The service's store, for reads (use `op.check` on what you read to guard against races). */
  kv: Deno.Kv;
  /** The message id (the inbox key). */
  messageId: string;
  /** The routing key. */
  routingKey: RoutingKey;
  /** 1 on first delivery, then 2, 3, ... on retries. */
  attempt: number;
  /**
   * True on the last attempt the consumer makes: no retry is left, so a failure now parks the message
   * (the consumer sets it; absent in contexts made by hand, which then count as not last).
   */
  lastAttempt?: boolean;
  /** The W3C traceparent of the message, to pass on to events the handler enqueues. */
  traceparent?: string;
  /** Runs `fn` once the handler's changes have committed (never when they did not), e.g. to notify watchers. */
  afterCommit?: (fn: () => void) => void;
  /**
   * Says that this event's effect is already in the store (put there by another path, e.g. the
   * synchronous call it is the fallback of) and can never apply later: the consumer acknowledges it
   * without marking its inbox, so no commit is made for it. Only honoured when the handler added no
   * mutation and no event; a redelivery runs the handler again, which must find the same.
   */
  alreadyApplied?: () => void;
}

/** A handler of one routing key. */
export type EventHandler<K extends RoutingKey> = (
  event: EventPayload<K>,
  ctx: HandlerContext,
) => Promise<void>;

/** Handlers by routing key; the keys are also the queue's bindings. */
export type EventHandlers = { [K in RoutingKey]?: EventHandler<K> };

/** One message as it travels: what the outbox stores and the relay publishes. */
export interface OutboxRecord {
  /** Unique message id (the consumers' inbox key). */
  id: string;
  routingKey: RoutingKey;
  /** The JSON body. */
  body: string;
  /** ISO time the fact happened. */
  occurredAt: string;
  traceparent?: string;
  /**
   * Held until this time (epoch ms): the relay publishes the record only from then on, so a commit
   * before it can still take the record back (delete it) and nothing is sent. Absent: at once.
   */
  notBefore?: number;
}

/** A parked message, as the dead-letters RPCs show it. */
export interface DeadLetterRecord {
  id: string;
  messageId: string;
  routingKey: string;
  /** The body as text, bounded: a long body keeps its start and a `…[truncated: ...]` marker. */
  payload: string;
  /** Why it was parked (bounded). */
  reason: string;
  attempts: number;
  parkedAt: Date;
  service: string;
  /** Original message headers that matter for replay. */
  traceparent?: string;
  /** The broker user that published the message (its replay is checked against the owner again). */
  userId?: string;
  /** Size of the original body in bytes (absent in records parked before sizes were kept). */
  sizeBytes?: number;
  /** Lowercase hex SHA-256 of the original body (absent in older records). */
  sha256?: string;
  /** True when `payload` holds only the start of the body (then it cannot be replayed). */
  truncated?: boolean;
}
