/**
 * An event as domain code returns it: a routing key with its payload. Domain functions return the new
 * state and the events it implies; the use case hands the events to its transaction
 * ({@linkcode emitAll}), so they leave exactly when the state change commits.
 *
 * @module
 */
import type { EventPayload, RoutingKey } from "./events.ts";

/** One event a state change implies, keyed by routing key. */
export type DomainEvent<K extends RoutingKey = RoutingKey> = {
  [P in K]: { key: P; payload: EventPayload<P> };
}[K];

/** What {@linkcode emitAll} emits into (a unit-of-work `Tx`). */
export interface EventSink {
  emit<K extends RoutingKey>(key: K, payload: EventPayload<K>, opts?: { traceparent?: string }): void;
}

/** Emits `events` into `tx` in order, each carrying `traceparent`. */
export function emitAll(tx: EventSink, events: readonly DomainEvent[], traceparent?: string): void {
  for (const e of events) tx.emit<RoutingKey>(e.key, e.payload, traceparent ? { traceparent } : {});
}
