/**
 * The outbox relay: publishes outbox records with publisher confirms, then deletes them. A committer
 * hands it the records it just committed (`kick(records)`), and the relay publishes exactly those, with
 * no scan of the outbox; `kick()` without records asks for a scan. A periodic scan (every `intervalMs`,
 * and at start) is the safety net: it publishes what a crashed process committed but never published,
 * and what a failed publish left behind, and a record held until a time (`notBefore`) once that time has
 * come. A crash between commit and publish loses nothing: the record
 * is still in the outbox when the process starts again. A crash between publish and delete publishes
 * twice, which the consumers' inbox makes harmless.
 *
 * Deleting: what the broker confirmed is deleted in one commit per `deleteDelayMs` (or per
 * {@linkcode MAX_PENDING_DELETES} records, at a scan's end, and at `stop()`), not one commit per pass.
 * Under load each commit hands the relay one or two records, so a delete per pass was a commit per
 * event; gathered, one commit deletes the records of many. Until then a published record is remembered
 * as published, so neither a scan nor a hand-over publishes it again; a crash in that window publishes
 * it again after the restart, as a crash between publish and delete always did.
 *
 * Tracing: a pass that finds records runs in an `outbox relay` span (a root of its own, linked to each
 * record's trace, since one batch mixes many orders); each record is published in a PRODUCER span
 * `publish <routing key>` (OpenTelemetry messaging conventions) whose parent is the context the record
 * captured when it was enqueued, and whose own context travels in the message's `traceparent` header,
 * so the consumer continues the same trace across the asynchronous hop.
 *
 * @module
 */
import { ROOT_CONTEXT, type Span, SpanKind, trace } from "@opentelemetry/api";
import type { Logger } from "../log.ts";
import {
  canonicalTraceparent,
  contextFromTraceparent,
  spanContextOf,
  traceparentOfContext,
} from "../trace.ts";
import { recordError, tracer, tracingEnabled, withSpan } from "../tracing/spans.ts";
import { flags } from "../flags/flags.ts";
import { flaggedPublish, InjectedPublishFailure } from "../flags/relay_effects.ts";
import { isDue, OUTBOX_PREFIX, outboxKey } from "./outbox.ts";
import { metricsEnabled, recordSent } from "../metrics/record.ts";
import type { Transport, WireMessage } from "./transport.ts";
import type { OutboxRecord } from "./types.ts";

/** Options of {@linkcode OutboxRelay}. */
export interface RelayOptions {
  kv: Deno.Kv;
  transport: Transport;
  log: Logger;
  /** The exchange published to (`messaging.destination.name` on publish spans; default "oms.events"). */
  exchange?: string;
  /** `messaging.system` on publish spans (default "rabbitmq"). */
  messagingSystem?: string;
  /** Interval of the safety-net scan of the outbox (default 2000 ms; `kick()` scans at once). */
  intervalMs?: number;
  /** Delay before the first pass (default 0; tests use it to open a crash window). */
  startDelayMs?: number;
  /** Records per pass (default 100). */
  batchSize?: number;
  /**
   * How long published records may wait to be deleted together (default {@linkcode DELETE_DELAY_MS};
   * 0: deleted by the pass that published them).
   */
  deleteDelayMs?: number;
}

/** Default of `RelayOptions.deleteDelayMs`: published records are deleted together at most this late. */
export const DELETE_DELAY_MS = 50;
/** Published records waiting to be deleted that make the relay delete them at once (one commit). */
export const MAX_PENDING_DELETES = 500;

const encoder = new TextEncoder();
/** Ids remembered as published, so a record a scan already published is not published again when handed. */
const RECENT_IDS = 4096;
/** Handed records held at most while the relay cannot publish; beyond, the scan takes over. */
const MAX_HANDED = 10_000;
/** First delay after a failed pass; it doubles per failure, up to 5 s. */
const RETRY_BASE_MS = 500;

/** Publishes the outbox of one store. */
export class OutboxRelay {
  #running = false;
  #wake: (() => void) | undefined;
  #kicked = false;
  #scanWanted = true; // the first pass scans: records a previous process left
  #handed: OutboxRecord[] = [];
  #recent = new Set<string>();
  #loop: Promise<void> | undefined;
  #published = 0;
  #scans = 0;
  #deletes = 0;
  /** Ids of records published and not yet deleted, in the order published. */
  #pendingDeletes = new Set<string>();
  #pendingSince = 0;

  /** Creates a relay; call {@linkcode start}. */
  constructor(private readonly opts: RelayOptions) {}

  /** Messages published since start. */
  get published(): number {
    return this.#published;
  }

  /** Starts the loop. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Outbox scans since start (the periodic safety net, `kick()`, `flush()`). */
  get scans(): number {
    return this.#scans;
  }

  /** Commits that deleted published records, since start. */
  get deleteCommits(): number {
    return this.#deletes;
  }

  /**
   * Wakes the loop now (call after a commit that enqueued events). With `records` (what the commit
   * wrote to the outbox) the relay publishes those without scanning; without, it scans the outbox.
   */
  kick(records?: readonly OutboxRecord[]): void {
    if (records === undefined) this.#scanWanted = true;
    else if (records.length === 0) return;
    else if (this.#handed.length + records.length > MAX_HANDED) {
      this.#handed = [];
      this.#scanWanted = true;
    } else this.#handed.push(...records);
    this.#kicked = true;
    this.#wake?.();
  }

  /**
   * Stops after the current pass, then publishes what is still in the outbox once more (what the last
   * in-flight work committed), for at most `finalFlushMs`. Whatever is not published stays in the
   * outbox for the next start; a record published but not yet deleted is published again then, which
   * the consumers' inbox makes harmless.
   */
  async stop(finalFlushMs = 2000): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    this.kick();
    await this.#loop;
    if (!wasRunning) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flushed = await Promise.race([
      this.flush().catch((err: Error) => err),
      new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), finalFlushMs)),
    ]);
    clearTimeout(timer);
    if (flushed === "timeout" || flushed instanceof Error) {
      this.opts.log.warn("final outbox flush incomplete; the rest is published after restart", {
        err: flushed === "timeout" ? `no confirm within ${finalFlushMs} ms` : flushed.message,
      });
    }
  }

  /**
   * Publishes everything in the outbox that is due now (a held record waits for its time, see
   * `OutboxRecord.notBefore`), then deletes every published record still waiting to be; returns how
   * many were published. Each record is tried at
   * most once per flush (the listing goes on after the last record listed), so a record a failure flag
   * failed on purpose waits for the next pass instead of being tried again in a loop.
   */
  async flush(): Promise<number> {
    const { kv, batchSize = 100 } = this.opts;
    let total = 0;
    let cursor: string | undefined;
    while (true) {
      this.#scans++;
      const records: OutboxRecord[] = [];
      let listed = 0;
      const now = Date.now();
      const list = kv.list<OutboxRecord>(
        { prefix: OUTBOX_PREFIX },
        { limit: batchSize, ...(cursor ? { cursor } : {}) },
      );
      for await (const e of list) {
        listed++;
        // a held record waits for a later scan; one published and not yet deleted is not sent again
        if (isDue(e.value, now) && !this.#pendingDeletes.has(e.value.id)) records.push(e.value);
      }
      if (records.length > 0) total += await this.#pass(records);
      if (listed < batchSize) {
        await this.#deletePublished();
        return total;
      }
      cursor = list.cursor;
    }
  }

  /** Publishes the records handed over by committers (no scan); returns how many were published. */
  async #publishHanded(): Promise<number> {
    const { batchSize = 100 } = this.opts;
    let total = 0;
    while (this.#handed.length > 0) {
      const records = this.#handed.splice(0, batchSize).filter((r) => !this.#recent.has(r.id));
      if (records.length > 0) total += await this.#pass(records);
    }
    return total;
  }

  /**
   * One relay pass over `records`: publishes each in its PRODUCER span, and marks those the broker
   * confirmed for deletion (see the module doc; deleted at once when `deleteDelayMs` is 0). Throws the
   * first publish error after that (the rest stay in the outbox), except a failure made on purpose by `relayPublishFailureRate`: that record stays in the outbox for
   * the next normal pass (the periodic scan), and the pass does not fail, so the relay does not back
   * off as it does for a broker outage and every other record goes out at once.
   */
  async #pass(records: OutboxRecord[]): Promise<number> {
    const links = tracingEnabled()
      ? records.flatMap((r) => {
        const sc = spanContextOf(r.traceparent);
        return sc ? [{ context: sc }] : [];
      })
      : [];
    return await withSpan("outbox relay", {
      kind: SpanKind.INTERNAL,
      root: true,
      links,
      attributes: { "messaging.batch.message_count": records.length },
    }, async (pass) => {
      const results = await Promise.allSettled(records.map((r) => this.#publish(r, pass)));
      if (metricsEnabled()) {
        results.forEach((r, i) =>
          recordSent(records[i]!.routingKey, r.status === "rejected" ? errorType(r.reason) : undefined)
        );
      }
      const confirmed = records.filter((_, i) => results[i]!.status === "fulfilled");
      if (confirmed.length > 0) {
        if (this.#pendingDeletes.size === 0) this.#pendingSince = Date.now();
        for (const r of confirmed) {
          this.#pendingDeletes.add(r.id);
          this.#remember(r.id);
        }
        if (this.#deleteDue(Date.now())) await this.#deletePublished();
        this.#published += confirmed.length;
      }
      const failed = results.find((r): r is PromiseRejectedResult =>
        r.status === "rejected" && !(r.reason instanceof InjectedPublishFailure)
      );
      if (failed) throw failed.reason;
      return confirmed.length;
    }, ROOT_CONTEXT);
  }

  /** Whether the published records waiting to be deleted are due (their time, or their number). */
  #deleteDue(now: number): boolean {
    const { deleteDelayMs = DELETE_DELAY_MS } = this.opts;
    return this.#pendingDeletes.size >= MAX_PENDING_DELETES ||
      (this.#pendingDeletes.size > 0 && now - this.#pendingSince >= deleteDelayMs);
  }

  /**
   * Deletes the published records waiting to be, in one commit per {@linkcode MAX_PENDING_DELETES}
   * (well inside Deno KV's 1,000 mutations). On a failure they stay remembered, and the next call
   * tries again.
   */
  async #deletePublished(): Promise<void> {
    while (this.#pendingDeletes.size > 0) {
      const batch = [...this.#pendingDeletes].slice(0, MAX_PENDING_DELETES);
      const op = this.opts.kv.atomic();
      for (const id of batch) op.delete(outboxKey(id));
      await op.commit();
      this.#deletes++;
      for (const id of batch) this.#pendingDeletes.delete(id);
      this.#pendingSince = Date.now();
    }
  }

  #remember(id: string): void {
    this.#recent.add(id);
    if (this.#recent.size > RECENT_IDS) this.#recent.delete(this.#recent.values().next().value!);
  }

  /** Publishes one record in its PRODUCER span (a child of the record's context, linked to the pass). */
  async #publish(record: OutboxRecord, pass: Span): Promise<void> {
    const { exchange = "oms.events", messagingSystem = "rabbitmq" } = this.opts;
    const body = encoder.encode(record.body);
    if (!tracingEnabled()) {
      // no span: the record's own traceparent travels (as the W3C propagator writes it, when valid)
      const traceparent = canonicalTraceparent(record.traceparent) ?? record.traceparent;
      return await this.#send(message(record, body, traceparent));
    }
    const parent = record.traceparent
      ? contextFromTraceparent(record.traceparent)
      : trace.setSpan(ROOT_CONTEXT, pass);
    const span = tracer().startSpan(`publish ${record.routingKey}`, {
      kind: SpanKind.PRODUCER,
      links: [{ context: pass.spanContext() }],
      attributes: {
        "messaging.system": messagingSystem,
        "messaging.operation.type": "send",
        "messaging.operation.name": "publish",
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": record.routingKey,
        "messaging.message.id": record.id,
        "messaging.message.body.size": body.byteLength,
      },
    }, parent);
    // the producer span's context goes in the headers; with tracing off the record's own traceparent
    const traceparent = traceparentOfContext(trace.setSpan(parent, span)) ?? record.traceparent;
    try {
      await this.#send(message(record, body, traceparent));
    } catch (err) {
      recordError(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  /** Publishes `msg` (through the failure flags while any is on: see `flags/relay_effects.ts`). */
  #send(msg: WireMessage): Promise<void> {
    const { transport } = this.opts;
    return flags.enabled ? flaggedPublish(msg.id, () => transport.publish(msg)) : transport.publish(msg);
  }

  async #run(): Promise<void> {
    const { intervalMs = 2000, startDelayMs = 0, log } = this.opts;
    if (startDelayMs > 0) {
      // kicks do not cut this short (it opens a crash window on purpose); stop() does
      const end = Date.now() + startDelayMs;
      while (this.#running && Date.now() < end) {
        this.#kicked = false;
        await this.#sleep(Math.min(end - Date.now(), intervalMs));
      }
    }
    let failures = 0;
    let nextScan = 0;
    while (this.#running) {
      try {
        this.#kicked = false;
        await this.#publishHanded();
        if (this.#scanWanted || Date.now() >= nextScan) {
          this.#scanWanted = false;
          nextScan = Date.now() + intervalMs;
          await this.flush();
        }
        if (this.#deleteDue(Date.now())) await this.#deletePublished();
        failures = 0;
      } catch (err) {
        failures++;
        this.#scanWanted = true; // what failed stays in the outbox; the next pass scans for it
        if (failures === 1 || failures % 20 === 0) {
          log.warn("outbox relay could not publish, will retry", { err: (err as Error).message, failures });
        }
      }
      if (!this.#running) break;
      await this.#sleep(
        failures > 0
          ? Math.min(RETRY_BASE_MS * 2 ** failures, 5000)
          : Math.max(0, this.#nextWake(nextScan) - Date.now()),
      );
    }
    // stopping: what was published is deleted now, whatever its time (stop()'s final flush follows)
    await this.#deletePublished().catch((err: Error) =>
      log.warn("outbox relay could not delete published records; they are published again after restart", {
        err: err.message,
      })
    );
  }

  /** When the loop wakes by itself: the next scan, or sooner when published records wait to be deleted. */
  #nextWake(nextScan: number): number {
    const { deleteDelayMs = DELETE_DELAY_MS } = this.opts;
    return this.#pendingDeletes.size > 0 ? Math.min(nextScan, this.#pendingSince + deleteDelayMs) : nextScan;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

/** The `error.type` of a failed publish: the error's class name (a bounded set). */
function errorType(err: unknown): string {
  return err instanceof Error ? err.name || "Error" : "unknown";
}

/** The wire message publishing `record` (its first attempt), carrying `traceparent` when there is one. */
function message(record: OutboxRecord, body: Uint8Array, traceparent: string | undefined): WireMessage {
  return {
    id: record.id,
    routingKey: record.routingKey,
    body,
    attempt: 1,
    occurredAt: record.occurredAt,
    ...(traceparent ? { traceparent } : {}),
  };
}
