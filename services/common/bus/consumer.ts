/**
 * The consumer of one service's queue. For each delivery: decode (a malformed message is parked at
 * once), drop it if the inbox has seen its id, else run the handler into an operation that already
 * holds the inbox check and mark. A handler error schedules a retry with the next delay; when the
 * delays run out the message is parked. The consumer never crashes on a message, and never leaves one
 * unsettled because of a failure of its own: every delivery ends acknowledged (processed, duplicate,
 * parked, or sent to retry) or, when even parking fails (the store is down), rejected to the broker's
 * dead-letter queue `<queue>.dead`. A stalled prefetch window is therefore impossible: a body over
 * {@linkcode MAX_EVENT_BODY_BYTES} is parked without parsing, one that breaks its schema is parked at
 * once, and the parked record is bounded so that parking cannot fail on size.
 *
 * Batching: deliveries that arrive together (those already delivered when the consumer next runs, up
 * to `maxBatch`; a lone delivery is never held back) are applied in one atomic commit — every handler's
 * inbox mark, checks, state and outbox records — and acknowledged after it. A handler that read (or
 * checked, or listed) a key an earlier member of the batch wrote (two events about one order) starts a
 * new batch, after the earlier one committed, and runs again so it reads that state; members that only
 * write the same keys (counters summed by every status change) share the batch, as a commit applies its
 * mutations in order. A batch beyond Deno KV's counted limits is
 * cut before committing; one whose commit throws (a size limit) is split in halves down to single
 * deliveries, and a single one's error takes that delivery's usual retry-or-park path. A batch whose
 * checks fail (a concurrent writer) is redone one delivery at a time. Outcomes stay per delivery: one
 * poison message in a batch is parked, the rest are applied.
 *
 * Tracing: each delivery is processed in a CONSUMER span `process <routing key>` (OpenTelemetry
 * messaging conventions) whose parent is the producer span named by the message's `traceparent` header.
 * The span is active while the handler runs, so what the handler calls and enqueues continues the trace,
 * and the handler's `ctx.traceparent` is the consumer span's (the message's own while tracing is off).
 * It ends when the delivery's outcome is known (after its batch's commit).
 *
 * @module
 */
import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import {
  decodeEvent,
  type EventPayload,
  isRoutingKey,
  MalformedEventError,
  MAX_EVENT_BODY_BYTES,
  type RoutingKey,
} from "../events.ts";
import type { Logger } from "../log.ts";
import { contextFromTraceparent, currentTraceparent } from "../trace.ts";
import { NOOP_SPAN, recordError, tracer, tracingEnabled } from "../tracing/spans.ts";
import { type ConsumeOutcome, metricsEnabled, recordConsumed, recordConsumerLag } from "../metrics/record.ts";
import { Batch } from "./batch.ts";
import { park } from "./dead_letters.ts";
import { brokerUser, DEFAULT_BROKER_USER_PREFIX, ownerRefusal, publisherOf } from "./owner.ts";
import { GET_MANY_MAX, inboxKeyOf, type InboxSnapshot, readInbox } from "./inbox.ts";
import { RecordingOp } from "./recording_op.ts";
import { trackedKv } from "./tracked_kv.ts";
import { readAhead, readAheadKeysOf, readInboxAndAhead, type ReadSnapshot } from "./read_ahead.ts";
import { deadQueueOf, type Settlement, type Transport, type WireMessage } from "./transport.ts";
import type { EventHandler, EventHandlers, OutboxRecord } from "./types.ts";

export { INBOX_PREFIX } from "./inbox.ts";
/** How long a processed id is remembered (redeliveries come far sooner). */
export const INBOX_TTL_MS = 7 * 24 * 3600 * 1000;
/** Deliveries applied in one commit at most (the transport's prefetch bounds it too). */
export const DEFAULT_MAX_BATCH = 16;
const MAX_CONFLICTS = 20;
const decoder = new TextDecoder();

/** Options of {@linkcode Consumer}. */
export interface ConsumerOptions {
  service: string;
  queue: string;
  kv: Deno.Kv;
  transport: Transport;
  handlers: EventHandlers;
  /**
   * Routing keys this service's queue no longer binds (`RETIRED_BINDINGS` in topology.ts): one still
   * arriving (queued before the upgrade, or bound again by an older instance during a rollout) is
   * acknowledged with no effect instead of parked, once its publisher is checked.
   */
  retiredKeys?: readonly string[];
  retryDelaysMs: number[];
  log: Logger;
  /** Called after each successful commit with the outbox records it added (to hand them to the relay). */
  onCommitted?: (records: OutboxRecord[]) => void;
  /** Deliveries per commit at most (default {@linkcode DEFAULT_MAX_BATCH}; 1 turns batching off). */
  maxBatch?: number;
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

/** How each outcome is counted: a duplicate was handled before (processed); a rejection failed. */
const CONSUMED: Record<Outcome, ConsumeOutcome> = {
  processed: "processed",
  duplicate: "processed",
  retry: "retried",
  parked: "parked",
  rejected: "failed",
};

/** What {@linkcode Consumer} `#validate` answers for an event of a retired binding (not a reason to park). */
const RETIRED = "\0retired";

/** One delivery on its way to an outcome. */
interface Delivery {
  message: WireMessage;
  settle: (how?: Settlement) => void;
  span: Span;
  /** The context with `span` active (handlers run in it). */
  ctx: Context;
  /** `performance.now()` when it was taken up, for the process duration (0 while metrics are off). */
  started: number;
  /** Set once decoded and validated. */
  event?: { handler: EventHandler<RoutingKey>; payload: EventPayload<RoutingKey> };
  outcome?: Outcome;
}

/** A delivery whose handler ran into `op`, waiting for its batch's commit. */
interface Prepared {
  delivery: Delivery;
  op: RecordingOp;
}

/** Consumes one service queue, in arrival order, applying deliveries that arrive together in one commit. */
export class Consumer {
  #pending: { message: WireMessage; settle: (how?: Settlement) => void }[] = [];
  #pumping = false;
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #commits = 0;
  /** Counts of outcomes, for tests and logs. */
  readonly stats: Record<Outcome, number> = { processed: 0, duplicate: 0, retry: 0, parked: 0, rejected: 0 };

  /** Creates the consumer; call {@linkcode start}. */
  constructor(private readonly opts: ConsumerOptions) {}

  /** Successful KV commits of processed deliveries (one per batch when nothing conflicts). */
  get commits(): number {
    return this.#commits;
  }

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
      this.#pending.push({ message, settle });
      if (this.#pumping) return;
      this.#pumping = true;
      // deliveries handed over in the same turn (one socket read) join this batch; none waits longer
      queueMicrotask(() => void this.#pump());
    });
  }

  /** Stops taking deliveries and waits for those in progress. */
  async stop(): Promise<void> {
    await this.opts.transport.stopConsuming();
    if (this.#inFlight > 0) await new Promise<void>((r) => this.#idle.push(r));
  }

  /** Processes one delivery alone to a final outcome (the caller then acknowledges or rejects it). */
  async handle(message: WireMessage): Promise<Outcome> {
    const d = this.#begin(message, () => {});
    this.#inFlight++;
    await this.#process([d]);
    return d.outcome ?? "rejected";
  }

  async #pump(): Promise<void> {
    while (this.#pending.length > 0) {
      const taken = this.#pending.splice(0, Math.max(1, this.opts.maxBatch ?? DEFAULT_MAX_BATCH));
      await this.#process(taken.map((t) => this.#begin(t.message, t.settle)));
    }
    this.#pumping = false;
  }

  /** Brings `deliveries` to their outcomes; a bug on the way rejects what is left, never stalls it. */
  async #process(deliveries: Delivery[]): Promise<void> {
    try {
      await this.#applyAll(deliveries);
    } catch (err) {
      for (const d of deliveries) {
        if (d.outcome) continue;
        this.opts.log.error("message rejected to the broker's dead-letter queue", {
          id: d.message.id,
          routingKey: d.message.routingKey,
          deadQueue: deadQueueOf(this.opts.queue),
          err,
        });
        recordError(d.span, err);
        this.#finish(d, "rejected");
      }
    }
  }

  /** Runs each delivery's handler into the current batch, committing it where the next one cannot join. */
  async #applyAll(deliveries: Delivery[]): Promise<void> {
    const first = await this.#readFirst(deliveries);
    const inbox = first.inbox;
    let snapshot = first.snapshot;
    let batch = new Batch<Prepared>();
    const ids = new Set<string>();
    for (const d of deliveries) {
      if (ids.has(d.message.id)) {
        // the same id again (a redelivery): once its first copy committed, the inbox drops it unrun
        await this.#commit(batch);
        batch = new Batch();
        ids.clear();
        snapshot = undefined; // read before that commit: later handlers read for themselves
      }
      ids.add(d.message.id);
      let step = await this.#prepare(d, inbox, snapshot);
      if (typeof step === "string") {
        this.#finish(d, step);
        continue;
      }
      const refusal = batch.refusal({ delivery: d, op: step });
      if (refusal) {
        await this.#commit(batch);
        batch = new Batch();
        ids.clear();
        snapshot = undefined;
        ids.add(d.message.id);
        // it read before the earlier members' writes landed: run it again on the committed state
        if (refusal === "overlap") step = await this.#prepare(d);
        if (typeof step === "string") {
          this.#finish(d, step);
          continue;
        }
      }
      batch.add({ delivery: d, op: step });
    }
    await this.#commit(batch);
  }

  /**
   * The batch's reads before any handler runs: its inbox entries, and the keys its handlers read first
   * (`read_ahead.ts`). A lone delivery reads both in one `getMany` when they fit; a batch reads them in
   * two reads at once. When a read fails, each delivery reads its own inbox entry, or each handler its
   * own keys (and a failure there takes the usual retry-or-park path).
   */
  async #readFirst(
    deliveries: Delivery[],
  ): Promise<{ inbox?: InboxSnapshot; snapshot?: ReadSnapshot }> {
    const { kv } = this.opts;
    const lone = deliveries.length === 1 ? deliveries[0]! : undefined;
    if (lone) {
      const keys = this.#aheadKeys(lone);
      if (keys.length > 0 && keys.length < GET_MANY_MAX && lone.message.id !== "") {
        return await readInboxAndAhead(kv, lone.message.id, keys).catch(() => ({}));
      }
      return { inbox: await readInbox(kv, [lone.message.id]).catch(() => undefined) };
    }
    const [inbox, snapshot] = await Promise.all([
      readInbox(kv, deliveries.map((d) => d.message.id)).catch(() => undefined),
      this.#readAhead(deliveries).catch(() => undefined),
    ]);
    return { inbox, snapshot };
  }

  /** The keys the handler of `d` reads first (validating `d` once, as `#run` would); none if invalid. */
  #aheadKeys(d: Delivery): readonly Deno.KvKey[] {
    if (!d.event && this.#validate(d) !== undefined) return []; // #run parks or acknowledges it
    return readAheadKeysOf(d.event!.handler, d.event!.payload);
  }

  /**
   * Validates `deliveries` (once each, as `#run` would) and reads the keys their handlers read first
   * (`read_ahead.ts`) in one snapshot; undefined when none says.
   */
  async #readAhead(deliveries: Delivery[]): Promise<ReadSnapshot | undefined> {
    const keys = deliveries.flatMap((d) => [...this.#aheadKeys(d)]);
    return keys.length > 0 ? await readAhead(this.opts.kv, keys) : undefined;
  }

  /** Commits `batch`; splits it on a thrown commit, redoes it one by one on failed checks. */
  async #commit(batch: Batch<Prepared>): Promise<void> {
    if (batch.size === 0) return;
    let res: Deno.KvCommitResult | Deno.KvCommitError;
    try {
      res = await batch.operation(this.opts.kv).commit();
    } catch (err) {
      if (batch.size > 1) {
        for (const half of batch.halves()) await this.#commit(half);
        return;
      }
      const d = batch.items[0]!.delivery;
      this.#finish(d, await this.#failed(d, err));
      return;
    }
    if (res.ok) {
      this.#committed(batch.records);
      for (const { op } of batch.items) this.#afterCommit(op);
      for (const { delivery } of batch.items) this.#finish(delivery, "processed");
      return;
    }
    for (const { delivery } of batch.items) this.#finish(delivery, await this.#applyAlone(delivery));
  }

  /** One delivery in a commit of its own, re-running its handler on each version conflict (bounded). */
  async #applyAlone(d: Delivery): Promise<Outcome> {
    for (let i = 0; i < MAX_CONFLICTS; i++) {
      const step = await this.#prepare(d);
      if (typeof step === "string") return step;
      const op = this.opts.kv.atomic();
      step.applyTo(op);
      let res: Deno.KvCommitResult | Deno.KvCommitError;
      try {
        res = await op.commit();
      } catch (err) {
        return await this.#failed(d, err);
      }
      if (res.ok) {
        this.#committed(step.records);
        this.#afterCommit(step);
        return "processed";
      }
    }
    return await this.#failed(d, new Error(`Gave up after ${MAX_CONFLICTS} conflicting commits`));
  }

  /** Runs the after-commit callbacks of a committed handler; one that throws is logged, never fatal. */
  #afterCommit(op: RecordingOp): void {
    for (const fn of op.afterCommit) {
      try {
        fn();
      } catch (err) {
        this.opts.log.error("an afterCommit callback failed", { err });
      }
    }
  }

  #committed(records: OutboxRecord[]): void {
    this.#commits++;
    this.opts.onCommitted?.(records);
  }

  /**
   * Opens the delivery's CONSUMER span (a child of the producer span in the message's traceparent); with
   * tracing off, none (the handler gets the message's own traceparent either way).
   */
  #begin(message: WireMessage, settle: (how?: Settlement) => void): Delivery {
    const started = metricsEnabled() ? this.#measureLag(message) : 0;
    if (!tracingEnabled()) return { message, settle, span: NOOP_SPAN, ctx: ROOT_CONTEXT, started };
    const { queue, exchange = "oms.events", messagingSystem = "rabbitmq" } = this.opts;
    const parent = contextFromTraceparent(message.traceparent);
    const span = tracer().startSpan(`process ${message.routingKey}`, {
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
    }, parent);
    return { message, settle, span, ctx: trace.setSpan(parent, span), started };
  }

  /**
   * Records the lag of a first delivery (its publish-time `occurredAt` to now; a retry's lag would
   * be its retry delay) and returns the start of its handling.
   */
  #measureLag(message: WireMessage): number {
    if (message.attempt === 1 && message.occurredAt) {
      const at = Date.parse(message.occurredAt);
      if (!Number.isNaN(at)) recordConsumerLag(this.opts.queue, Math.max(0, Date.now() - at) / 1000);
    }
    return performance.now();
  }

  /** Records `outcome`, ends the span and settles the delivery (once). */
  #finish(d: Delivery, outcome: Outcome): void {
    if (d.outcome) return;
    d.outcome = outcome;
    this.stats[outcome]++;
    d.span.setAttribute("oms.messaging.outcome", outcome);
    d.span.end();
    if (d.started !== 0) {
      // a routing key nobody knows is labelled "unknown" (label values stay bounded)
      const rk = isRoutingKey(d.message.routingKey) ? d.message.routingKey : "unknown";
      recordConsumed(this.opts.queue, rk, CONSUMED[outcome], (performance.now() - d.started) / 1000);
    }
    d.settle(outcome === "rejected" ? "reject" : "ack");
    this.#inFlight--;
    if (this.#inFlight <= 0) { for (const f of this.#idle.splice(0)) f(); }
  }

  /**
   * Validates `d` (once) and runs its handler into a fresh {@linkcode RecordingOp} holding the inbox
   * check and mark; returns the op, or the delivery's final outcome (parked, duplicate, retry, ...).
   * `inbox`, read for the whole batch, answers whether the id was seen, once per id; without an answer
   * (a re-run) the inbox is read again. Either way the op checks the inbox entry is still absent.
   */
  #prepare(d: Delivery, inbox?: InboxSnapshot, snapshot?: ReadSnapshot): Promise<RecordingOp | Outcome> {
    // with tracing off there is no span to make active
    return tracingEnabled()
      ? context.with(d.ctx, () => this.#run(d, inbox, snapshot))
      : this.#run(d, inbox, snapshot);
  }

  /** {@linkcode #prepare}'s work, inside the delivery's context. */
  async #run(d: Delivery, inbox?: InboxSnapshot, snapshot?: ReadSnapshot): Promise<RecordingOp | Outcome> {
    const invalid = d.event ? undefined : this.#validate(d);
    if (invalid === RETIRED) {
      this.opts.log.debug("event of a retired binding acknowledged", {
        id: d.message.id,
        routingKey: d.message.routingKey,
      });
      return "processed";
    }
    if (invalid !== undefined) return await this.#park(d, invalid);
    const { handler, payload } = d.event!;
    const { message } = d;
    const inboxKey = inboxKeyOf(message.id);
    try {
      const op = new RecordingOp();
      const kv = trackedKv(this.opts.kv, op.touched, snapshot);
      const seen = inbox?.take(message.id) ?? ((await kv.get(inboxKey)).versionstamp !== null);
      if (seen) return "duplicate";
      op.check({ key: inboxKey, versionstamp: null })
        .set(inboxKey, { at: new Date().toISOString(), routingKey: message.routingKey }, {
          expireIn: INBOX_TTL_MS,
        });
      const inboxMark = op.mutations;
      // the consumer span when tracing is on, so what the handler enqueues hangs off it
      const traceparent = currentTraceparent() ?? message.traceparent;
      let applied = false;
      await handler(payload, {
        op,
        kv,
        messageId: message.id,
        routingKey: message.routingKey as RoutingKey,
        attempt: message.attempt,
        // #failed parks a failure of an attempt beyond the retry delays
        lastAttempt: message.attempt > this.opts.retryDelaysMs.length,
        ...(traceparent ? { traceparent } : {}),
        afterCommit: (fn) => void op.afterCommit.push(fn),
        alreadyApplied: () => void (applied = true),
      });
      // its effect is in the store already and the handler changed nothing: acknowledged, no commit
      if (applied && op.mutations === inboxMark && op.records.length === 0) return "processed";
      return op;
    } catch (err) {
      return await this.#failed(d, err);
    }
  }

  /** Sets `d.event`, or returns why the message can never be processed. */
  #validate(d: Delivery): string | undefined {
    const { message } = d;
    const rk = message.routingKey;
    const refused = ownerRefusal(
      message,
      this.opts.brokerUserPrefix ?? DEFAULT_BROKER_USER_PREFIX,
      this.#ownUser,
    );
    if (refused) return refused;
    if (!message.id) return "Message has no message id";
    if (!isRoutingKey(rk)) return `Unknown routing key "${rk}"`;
    const handler = this.opts.handlers[rk] as EventHandler<RoutingKey> | undefined;
    if (!handler && this.opts.retiredKeys?.includes(rk)) return RETIRED;
    if (!handler) return `${this.opts.service} has no handler for "${rk}"`;
    const size = message.body.byteLength;
    if (size > MAX_EVENT_BODY_BYTES) {
      return `Body of ${rk} is ${size} bytes, over the limit of ${MAX_EVENT_BODY_BYTES}`;
    }
    try {
      d.event = { handler, payload: decodeEvent(rk, decoder.decode(message.body)) };
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  }

  /** The outcome of a handler or commit error: parked when it can never succeed, else retried or parked. */
  async #failed(d: Delivery, err: unknown): Promise<Outcome> {
    const { message } = d;
    if (err instanceof MalformedEventError) return await this.#park(d, err.message);
    const delays = this.opts.retryDelaysMs;
    const reason = (err as Error)?.message ?? String(err);
    if (message.attempt > delays.length) {
      return await this.#park(d, `Failed ${message.attempt} times; last error: ${reason}`);
    }
    const delay = delays[message.attempt - 1]!;
    d.span.setStatus({ code: SpanStatusCode.ERROR, message: `Will retry: ${reason}` });
    this.opts.log.warn("event handler failed, will retry", {
      id: message.id,
      routingKey: message.routingKey,
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
        d,
        `Could not schedule retry ${message.attempt} (${why}); last error: ${reason}`,
      );
    }
    return "retry";
  }

  /** Parks the message; when parking fails, the outcome is `"rejected"` (to the broker's dead-letter queue). */
  async #park(d: Delivery, reason: string): Promise<Outcome> {
    const { message } = d;
    d.span.setStatus({ code: SpanStatusCode.ERROR, message: `Parked: ${reason.slice(0, 500)}` });
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
