/**
 * The gauges every service reports about its messaging, read on collection only: its outbox (records
 * waiting and the age of the oldest), its dead letters, and its queue's ready count at the broker.
 * The KV reads are bounded scans ({@linkcode SCAN_LIMIT} entries: a count at the limit means "at least").
 *
 * @module
 */
import { OUTBOX_PREFIX } from "../bus/outbox.ts";
import { DEAD_LETTER_PREFIX } from "../bus/dead_letters.ts";
import type { Transport } from "../bus/transport.ts";
import type { OutboxRecord } from "../bus/types.ts";
import type { GaugeSource } from "./gauges.ts";

/** Entries a gauge scan reads at most. */
export const SCAN_LIMIT = 1000;

/** What {@linkcode messagingGauges} reads. */
export interface MessagingGaugeOptions {
  /** The service name (`oms.service` label). */
  service: string;
  kv: Deno.Kv;
  /** The service's queue, when it consumes one (`messaging.destination.name` label). */
  queue?: string;
  transport?: Transport;
  /** The clock (tests). */
  now?: () => number;
}

/** Counts the entries under `prefix` (at most {@linkcode SCAN_LIMIT}) and returns the first. */
async function scan<T>(kv: Deno.Kv, prefix: Deno.KvKey): Promise<{ count: number; first: T | undefined }> {
  let count = 0;
  let first: T | undefined;
  for await (const e of kv.list<T>({ prefix }, { limit: SCAN_LIMIT })) {
    if (count === 0) first = e.value;
    count++;
  }
  return { count, first };
}

/** The gauge source of one service's outbox, dead letters and queue. */
export function messagingGauges(opts: MessagingGaugeOptions): GaugeSource {
  const { service, kv, queue, transport } = opts;
  const now = opts.now ?? Date.now;
  const byService = { "oms.service": service };
  const byQueue = queue ? { "messaging.destination.name": queue } : undefined;
  return async (observe) => {
    const [outbox, dead, depth] = await Promise.all([
      scan<OutboxRecord>(kv, OUTBOX_PREFIX),
      scan<unknown>(kv, DEAD_LETTER_PREFIX),
      byQueue && transport?.queueDepth && transport.connected
        ? transport.queueDepth(queue!).catch(() => undefined)
        : undefined,
    ]);
    observe("outboxRecords", outbox.count, byService);
    // message ids sort by creation time, so the first record is the oldest
    const oldest = outbox.first ? Date.parse(outbox.first.occurredAt) : NaN;
    observe("outboxOldestAge", Number.isNaN(oldest) ? 0 : Math.max(0, now() - oldest) / 1000, byService);
    observe("deadLetters", dead.count, byService);
    if (byQueue && depth !== undefined) observe("queueDepth", depth, byQueue);
  };
}
