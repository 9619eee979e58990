/**
 * The transport port under messaging: RabbitMQ in every real deployment, an in-process bus only for the
 * single-process dev fallback. Both keep the same contract: at-least-once delivery, a durable queue per
 * consuming service, retries after a delay.
 *
 * @module
 */

import type { QueueBinding } from "../topology.ts";

/** One message on the wire. */
export interface WireMessage {
  /** Unique message id (the consumers' inbox key). */
  id: string;
  /** The routing key it was published with (kept across retries). */
  routingKey: string;
  /** The body bytes (JSON). */
  body: Uint8Array;
  /** 1 on first delivery, incremented by each retry. */
  attempt: number;
  /** W3C trace context. */
  traceparent?: string;
  /** ISO time the fact happened, when known. */
  occurredAt?: string;
  /** The broker user that published it (AMQP `user_id`, validated by RabbitMQ); set by the transport. */
  userId?: string;
  /** On a consumer's retry or replay: the user that first published it (see `owner.ts`). */
  originalUserId?: string;
}

/**
 * How a delivery ends: `"ack"` removes it from the queue (processed, parked or sent to retry);
 * `"reject"` dead-letters it to the broker-side queue `<queue>.dead` (the consumer could not even park
 * it), never back to the head of its own queue.
 */
export type Settlement = "ack" | "reject";

/**
 * Called for each delivery; `settle()` ends it (call it exactly once, after the work is safe; no
 * argument means `"ack"`).
 */
export type OnMessage = (message: WireMessage, settle: (how?: Settlement) => void) => void;

/** The name of the broker-side dead-letter queue of service queue `queue`. */
export function deadQueueOf(queue: string): string {
  return `${queue}.dead`;
}

/** The transport port. */
export interface Transport {
  /** Declares every service queue and its bindings (idempotent), so no event is published into the void. */
  declareTopology(queues: QueueBinding[]): Promise<void>;
  /** Publishes to the topic exchange; resolves once the broker has confirmed it. */
  publish(message: WireMessage): Promise<void>;
  /** Declares the service queue bound to `bindings` and its retry queues, and starts consuming. */
  consume(queue: string, bindings: string[], onMessage: OnMessage): Promise<void>;
  /** Sends `message` back to `queue` after `delayMs` (confirmed before resolving). */
  retryLater(queue: string, message: WireMessage, delayMs: number): Promise<void>;
  /** Sends `message` straight to `queue` (replay from dead letters). */
  sendToQueue(queue: string, message: WireMessage): Promise<void>;
  /** Stops consuming; deliveries not yet settled go back to the queue. */
  stopConsuming(): Promise<void>;
  /** Closes the connection. */
  close(): Promise<void>;
  /** A human description, e.g. "RabbitMQ at amqp://127.0.0.1:5672". */
  readonly description: string;
  /** True while the transport is connected to its broker (always, in process). */
  readonly connected: boolean;
  /** Calls `listener` each time the connection is lost or restored; returns a function that unsubscribes. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Messages ready in `queue` (the broker's count), where the transport can tell (metrics only). */
  queueDepth?(queue: string): Promise<number>;
}
