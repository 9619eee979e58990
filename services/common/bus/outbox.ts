/**
 * The transactional outbox: events are written in the same KV commit as the state change they
 * describe, under `["outbox", id]`, and the relay publishes them later.
 *
 * The record captures the trace context at enqueue time: the active span (gRPC handler, message
 * consumer) when tracing is on, so the relay's publish span and the consumers continue the same trace
 * after the asynchronous hop; else the given `traceparent` (see {@linkcode effectiveTraceparent}).
 *
 * @module
 */
import { encodeEvent, type EventPayload, type RoutingKey } from "../events.ts";
import { effectiveTraceparent } from "../trace.ts";
import type { OutboxRecord } from "./types.ts";

/** The KV prefix of outbox records. */
export const OUTBOX_PREFIX: Deno.KvKey = ["outbox"];

/** The KV key of the outbox record with message id `id`. */
export function outboxKey(id: string): Deno.KvKey {
  return [...OUTBOX_PREFIX, id];
}

/** True when `record` may be published at `now` (epoch ms): it is not held (see `notBefore`). */
export function isDue(record: OutboxRecord, now: number): boolean {
  return record.notBefore === undefined || record.notBefore <= now;
}

/** True when `value` has the shape of an {@linkcode OutboxRecord}. */
export function isOutboxRecord(value: unknown): value is OutboxRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.id === "string" && typeof r.routingKey === "string" && typeof r.body === "string" &&
    typeof r.occurredAt === "string";
}

let lastMs = 0;
let seq = 0;

/** A message id that sorts by creation time within one process (time, sequence, randomness). */
export function newMessageId(): string {
  const now = Date.now();
  seq = now === lastMs ? seq + 1 : 0;
  lastMs = now;
  return `${now.toString(36).padStart(9, "0")}${seq.toString(36).padStart(4, "0")}-${crypto.randomUUID()}`;
}

/** Options of {@linkcode enqueueEvent}. */
export interface EnqueueOptions {
  /**
   * The trace context to carry in the message headers. The active span replaces it when it belongs to
   * the same trace (or none is given); a traceparent of another trace is kept (deliberate continuation).
   */
  traceparent?: string;
  /** A fixed message id (default: a new one). */
  id?: string;
  /** Hold the record until this time, epoch ms (see `OutboxRecord.notBefore`; default: at once). */
  notBefore?: number;
}

/** Adds event `key` with `payload` to the outbox as part of `op`; returns the record. */
export function enqueueEvent<K extends RoutingKey>(
  op: Deno.AtomicOperation,
  key: K,
  payload: EventPayload<K>,
  options: EnqueueOptions = {},
): OutboxRecord {
  const traceparent = effectiveTraceparent(options.traceparent);
  const record: OutboxRecord = {
    id: options.id ?? newMessageId(),
    routingKey: key,
    body: encodeEvent(key, payload),
    occurredAt: new Date().toISOString(),
    ...(traceparent ? { traceparent } : {}),
    ...(options.notBefore !== undefined ? { notBefore: options.notBefore } : {}),
  };
  op.set(outboxKey(record.id), record);
  return record;
}
