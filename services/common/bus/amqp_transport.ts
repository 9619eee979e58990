/**
 * RabbitMQ transport (npm:amqplib): a durable topic exchange, a durable queue per consuming service,
 * retry queues whose messages dead-letter back to the service queue when their TTL runs out, publisher
 * confirms on every publish, acknowledgements coalesced per consume channel (a batch's acks as one
 * `ack(last, allUpTo)`, see {@linkcode AckCoalescer}), and automatic reconnection that re-declares the
 * topology and resubscribes.
 *
 * Queues are quorum queues by default (replicated; `OMS_QUEUE_TYPE=classic` for classic ones), with a
 * delivery limit; see {@linkcode serviceQueueArguments} and `queue_arguments.ts`. Each service queue
 * dead-letters what its consumer rejects to `<queue>.dead`: the last resort when a message cannot even
 * be parked in the service's store. RabbitMQ cannot change the arguments or type of an existing queue
 * (PRECONDITION_FAILED); a queue declared otherwise (by an older OMS, or as the other type) is reported
 * with what to do ({@linkcode QueueArgumentsError}) and the service does not start. The retry queues of
 * the configured delays are declared at start too, so a mismatch there shows at start, not at the
 * first retry.
 *
 * The broker may be several nodes of a cluster (`urls`): the connection is made to the first that
 * answers and, when lost, made again to the next one, round robin ({@linkcode FailoverConnection}).
 * A publish whose confirm the lost connection took with it fails, so the relay keeps its outbox record
 * and publishes it again; consumers' inboxes drop the copy. Deliveries not acknowledged on the lost
 * connection are delivered again on the new one.
 *
 * The connection is waited for: `connect` retries with a logged backoff (0.2 s doubling to 5 s between
 * rounds over the nodes, for as long as it takes) until a broker answers or the signal aborts; a lost
 * connection is logged, retried the same way and logged again when restored.
 * {@linkcode AmqpTransport.connected} and {@linkcode AmqpTransport.onConnectionChange} tell the service
 * (its health follows them).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from "amqplib";
import type { Logger } from "../log.ts";
import type { QueueBinding } from "../topology.ts";
import { describeNodes, redactUrl } from "../amqp_urls.ts";
import {
  deadQueueOf,
  type OnMessage,
  type Settlement,
  type Transport,
  type WireMessage,
} from "./transport.ts";
import { ORIGINAL_USER_HEADER, userOfUrl } from "./owner.ts";
import { publishRefusal } from "./publish_refusal.ts";
import { AckCoalescer } from "./ack_coalescer.ts";
import { ConfirmDeadlines } from "./confirm_deadlines.ts";
import { FailoverConnection } from "./failover_connection.ts";
import {
  deadQueueArguments,
  DEFAULT_QUEUE_TYPE,
  QueueArgumentsError,
  type QueueSettings,
  retryQueueArguments,
  retryQueueOf,
  serviceQueueArguments,
} from "./queue_arguments.ts";

export { QueueArgumentsError, serviceQueueArguments };

const H_ROUTING_KEY = "x-oms-routing-key";
const H_ATTEMPT = "x-oms-attempt";
const H_OCCURRED_AT = "x-oms-occurred-at";
const CONFIRM_TIMEOUT_MS = 10_000;

interface Subscription {
  queue: string;
  bindings: string[];
  onMessage: OnMessage;
}

/** The first reconnect delay; each next one doubles, up to {@linkcode MAX_RECONNECT_DELAY_MS}. */
export const FIRST_RECONNECT_DELAY_MS = 200;
/** The longest delay between two connection attempts. */
export const MAX_RECONNECT_DELAY_MS = 5000;

/** Options of {@linkcode AmqpTransport.connect}. */
export interface AmqpTransportOptions {
  /** Broker URL: one node, or the nodes of a cluster in the order to try them (same user in each). */
  url: string | readonly string[];
  /** Topic exchange name. */
  exchange: string;
  /** Unacknowledged deliveries per consumer (default 16). */
  prefetch?: number;
  /** Failed connection attempts before `connect` gives up at start (default: never gives up). */
  initialRetries?: number;
  /** Aborting it stops waiting for the broker: `connect` then rejects. */
  signal?: AbortSignal;
  /** Queue type and delivery limit (default quorum, {@linkcode DEFAULT_DELIVERY_LIMIT}). */
  queues?: QueueSettings;
  /** Retry delays whose retry queues are declared with each consumed queue (at start). */
  retryDelaysMs?: readonly number[];
  /** Opens one connection to a node (default amqplib's `connect`; tests wrap it to watch channels). */
  open?: (url: string, timeoutMs: number) => Promise<ChannelModel>;
  log: Logger;
}

type Send = "publish" | "resend";

/** The RabbitMQ {@linkcode Transport}. */
export class AmqpTransport implements Transport {
  readonly description: string;
  #model!: FailoverConnection;
  /** The current node's connection, once open (probes on a channel of their own). */
  #raw: ChannelModel | undefined;
  readonly #urls: readonly string[];
  #pub: ConfirmChannel | undefined;
  /** The publish channel being opened, shared by every publish that finds none open. */
  #opening: Promise<ConfirmChannel> | undefined;
  #sub: Channel | undefined;
  #subs: Subscription[] = [];
  #topology: QueueBinding[] = [];
  #consumerTags: string[] = [];
  #acks = new WeakMap<Channel, AckCoalescer<ConsumeMessage>>();
  #declared = new Set<string>();
  #closing = false;
  /** The connection's broker user: every message carries it as `user_id`. */
  readonly #user: string;
  #lastPubError: string | undefined;
  #connected = false;
  #connectedOnce = false;
  #listeners = new Set<(connected: boolean) => void>();
  /** The confirm timeouts of the publishes in flight, on one timer. */
  readonly #deadlines = new ConfirmDeadlines(CONFIRM_TIMEOUT_MS);

  private constructor(private readonly opts: AmqpTransportOptions) {
    this.#urls = typeof opts.url === "string" ? [opts.url] : [...opts.url];
    if (this.#urls.length === 0) throw new Error("AmqpTransport needs at least one broker URL");
    this.description = `RabbitMQ at ${describeNodes(this.#urls)}`;
    this.#user = userOfUrl(this.#urls[0]!);
  }

  /**
   * Connects and declares the exchange, waiting for the broker as long as it takes (each attempt logged
   * with the next delay) unless `opts.initialRetries` runs out or `opts.signal` aborts.
   */
  static async connect(opts: AmqpTransportOptions): Promise<AmqpTransport> {
    opts.signal?.throwIfAborted();
    const t = new AmqpTransport(opts);
    const { log } = opts;
    const fatal = Promise.withResolvers<never>();
    t.#model = new FailoverConnection({
      urls: t.#urls,
      ...(opts.initialRetries !== undefined ? { initialMaxRetries: opts.initialRetries } : {}),
      ...(opts.open ? { open: opts.open } : {}),
      setup: (model: ChannelModel) => t.#setup(model),
      hooks: {
        connect: (url) => {
          const restored = t.#connectedOnce;
          t.#connectedOnce = true;
          const broker = redactUrl(url);
          if (restored) log.info("broker connection restored", { broker });
          else log.info("broker connected", { broker });
          t.#setConnected(true);
        },
        disconnect: (err, url) => {
          t.#setConnected(false);
          if (!t.#closing) {
            log.warn("broker connection lost, reconnecting", { broker: redactUrl(url), err: err?.message });
          }
        },
        connectFailed: (err) => {
          if (err instanceof QueueArgumentsError) {
            log.error("broker topology does not match this version", { err: err.message });
            if (!t.#connectedOnce) fatal.reject(err);
          }
        },
        reconnectScheduled: (info) => {
          if (t.#closing) return;
          log.warn(t.#connectedOnce ? "broker still unreachable, retrying" : "waiting for the broker", {
            broker: redactUrl(info.url),
            attempt: info.attempt,
            nextDelayMs: info.delayMs,
            err: info.error?.message,
          });
        },
        reconnectFailed: (err) => fatal.reject(err),
        error: (err) => log.warn("broker connection error", { err: err.message }),
      },
    });
    const aborted = Promise.withResolvers<never>();
    const onAbort = () =>
      aborted.reject(opts.signal?.reason ?? new Error("Stopped while waiting for the broker"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    fatal.promise.catch(() => {});
    aborted.promise.catch(() => {});
    try {
      await Promise.race([t.#model.waitForConnect(), fatal.promise, aborted.promise]);
    } catch (err) {
      await t.close();
      throw err;
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
    return t;
  }

  /** True while connected to the broker. */
  get connected(): boolean {
    return this.#connected;
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    for (const l of this.#listeners) {
      try {
        l(connected);
      } catch (err) {
        this.opts.log.warn("connection listener failed", { err });
      }
    }
  }

  async #setup(model: ChannelModel): Promise<void> {
    this.#raw = model;
    this.#declared.clear();
    const pub = await this.#openPub(model, true);
    await pub.assertExchange(this.opts.exchange, "topic", { durable: true });
    await this.#declare(pub);
    if (this.#subs.length > 0) {
      const sub = await model.createChannel();
      sub.on("error", (err: Error) => this.opts.log.warn("consume channel error", { err: err.message }));
      await sub.prefetch(this.opts.prefetch ?? 16);
      this.#sub = sub;
      this.#consumerTags = [];
      for (const s of this.#subs) await this.#subscribe(sub, s);
    }
  }

  async declareTopology(queues: QueueBinding[]): Promise<void> {
    this.#topology = queues;
    await this.#declare(this.#channel());
  }

  async #declare(ch: Channel): Promise<void> {
    for (const q of this.#topology) {
      await this.#assertServiceQueue(ch, q.queue);
      for (const key of q.bindings) await ch.bindQueue(q.queue, this.opts.exchange, key);
      // a binding an earlier version made and this one retired (unbinding one never made is a no-op)
      for (const key of q.retired ?? []) await ch.unbindQueue(q.queue, this.opts.exchange, key);
    }
  }

  /** Declares `<queue>.dead` and then `queue` dead-lettering to it (PRECONDITION_FAILED explained). */
  async #assertServiceQueue(ch: Channel, queue: string): Promise<void> {
    await this.#assertQueue(ch, deadQueueOf(queue), (s) => deadQueueArguments(s));
    await this.#assertQueue(ch, queue, (s) => serviceQueueArguments(queue, s));
  }

  /**
   * Declares durable `queue` with `argsOf(this OMS's settings)`. A PRECONDITION_FAILED (the queue exists
   * otherwise) becomes a {@linkcode QueueArgumentsError}, which says whether the queue is of the other
   * type: declaring it as OMS declares that type succeeds then (an equivalent declaration changes
   * nothing).
   */
  async #assertQueue(
    ch: Channel,
    queue: string,
    argsOf: (settings: QueueSettings) => Record<string, unknown>,
  ): Promise<void> {
    const settings = this.opts.queues ?? {};
    try {
      await ch.assertQueue(queue, { durable: true, arguments: argsOf(settings) });
    } catch (err) {
      if (!/PRECONDITION_FAILED/.test(String((err as Error)?.message))) throw err;
      const type = settings.type ?? DEFAULT_QUEUE_TYPE;
      const other = type === "quorum" ? "classic" : "quorum";
      throw new QueueArgumentsError(
        queue,
        err,
        type,
        await this.#isDeclaredAs(queue, argsOf({ ...settings, type: other })) ? other : undefined,
      );
    }
  }

  /** True when `queue` exists with exactly `args` (probed on a channel of its own). */
  async #isDeclaredAs(queue: string, args: Record<string, unknown>): Promise<boolean> {
    let probe: Channel | undefined;
    try {
      probe = await this.#raw?.createChannel();
      if (!probe) return false;
      probe.on("error", () => {});
      await probe.assertQueue(queue, { durable: true, arguments: args });
      await probe.close();
      return true;
    } catch {
      return false;
    }
  }

  #channel(): ConfirmChannel {
    if (!this.#pub) throw new Error(`Not connected to ${this.description}`);
    return this.#pub;
  }

  /**
   * Opens the publish channel. The broker closes a channel whose publish it refuses (ACCESS_REFUSED);
   * the connection lives on, so the next publish opens a new channel here. A channel opened while
   * another became the publish channel (a new connection's setup made one meanwhile) loses: it is
   * closed and the other one returned, unless `replace` (setup's own, on a new connection).
   */
  async #openPub(
    model: Pick<ChannelModel, "createConfirmChannel">,
    replace = false,
  ): Promise<ConfirmChannel> {
    const pub = await model.createConfirmChannel();
    if (!replace && this.#pub) {
      pub.on("error", () => {});
      pub.close().catch(() => {});
      return this.#pub;
    }
    pub.on("error", (err: Error) => {
      this.#lastPubError = err.message;
      this.opts.log.warn("publish channel error", { err: err.message });
    });
    pub.on("close", () => {
      if (this.#pub === pub) this.#pub = undefined;
    });
    this.#pub = pub;
    return pub;
  }

  /**
   * The open publish channel, reopened after the broker closed it or a nack dropped it (only while
   * connected, not closing). Publishes that find none open share one opening: the relay publishes a
   * batch at once, and each opening its own would leave all but the last channel open, unused.
   */
  async #pubChannel(): Promise<ConfirmChannel> {
    if (this.#pub) return this.#pub;
    if (this.#closing || !this.#connected) return this.#channel();
    const opening = this.#opening ??= this.#openPub(this.#model).finally(() => {
      if (this.#opening === opening) this.#opening = undefined;
    });
    return await opening;
  }

  async #confirm(send: (ch: ConfirmChannel, cb: (err: unknown) => void) => void): Promise<void> {
    const ch = await this.#pubChannel();
    this.#lastPubError = undefined;
    await new Promise<void>((resolve, reject) => {
      const confirmed = this.#deadlines.begin(() =>
        reject(new Error("Broker did not confirm the publish in time"))
      );
      try {
        send(ch, (err) => {
          confirmed();
          if (!err) return resolve();
          if (this.#pub === ch && /nacked/.test(String((err as Error)?.message ?? err))) this.#dropPub(ch);
          reject(err instanceof Error ? err : new Error(`Broker refused the message: ${String(err)}`));
        });
      } catch (err) {
        // amqplib throws at once on a closed channel, before it takes the callback: end the wait too
        confirmed();
        throw err;
      }
    });
  }

  /**
   * Closes publish channel `ch` after the broker nacked a message on it; the next publish opens a new
   * one. After a node is lost, a channel can keep nacking publishes to a quorum queue whose leader moved
   * (it still addresses the old one); a new channel looks the leader up afresh.
   */
  #dropPub(ch: ConfirmChannel): void {
    this.#pub = undefined;
    ch.close().catch(() => {});
  }

  async publish(message: WireMessage): Promise<void> {
    try {
      await this.#confirm((ch, cb) =>
        ch.publish(
          this.opts.exchange,
          message.routingKey,
          bufferOf(message.body),
          this.#properties(message, "publish"),
          cb,
        )
      );
    } catch (err) {
      const refusal = publishRefusal(this.#lastPubError, this.#user, message.routingKey, this.opts.exchange);
      if (!refusal) throw err;
      this.opts.log.error("broker refused the publish", {
        routingKey: message.routingKey,
        user: this.#user,
        exchange: this.opts.exchange,
        err: refusal.message,
      });
      throw refusal;
    }
  }

  /** The message's AMQP properties; `resend` (retry, replay) keeps the original publisher in a header. */
  #properties(m: WireMessage, send: Send): MessageProperties {
    const p = properties(m, this.#user);
    const original = send === "resend" ? m.originalUserId : undefined;
    if (original) p.headers[ORIGINAL_USER_HEADER] = original;
    return p;
  }

  async consume(queue: string, bindings: string[], onMessage: OnMessage): Promise<void> {
    const s: Subscription = { queue, bindings, onMessage };
    this.#subs.push(s);
    if (!this.#sub) {
      const sub = await this.#model.createChannel();
      sub.on("error", (err: Error) => this.opts.log.warn("consume channel error", { err: err.message }));
      await sub.prefetch(this.opts.prefetch ?? 16);
      this.#sub = sub;
    }
    await this.#subscribe(this.#sub, s);
  }

  async #subscribe(ch: Channel, s: Subscription): Promise<void> {
    await ch.assertExchange(this.opts.exchange, "topic", { durable: true });
    await this.#assertServiceQueue(ch, s.queue);
    for (const key of s.bindings) await ch.bindQueue(s.queue, this.opts.exchange, key);
    // the retry queues of the configured delays now, so a queue of the wrong type stops the start
    for (const delay of this.opts.retryDelaysMs ?? []) await this.#ensureRetryQueue(s.queue, delay, ch);
    const acks = this.#acksOf(ch);
    const { consumerTag } = await ch.consume(s.queue, (msg: ConsumeMessage | null) => {
      if (!msg) return; // consumer cancelled by the broker; recovery resubscribes
      const tag = msg.fields.deliveryTag;
      acks.delivered(tag, msg);
      // reject: to the queue's dead-letter queue (requeue false), never back to the head of the queue
      s.onMessage(toWire(msg), (how: Settlement = "ack") => acks.settle(tag, how));
    });
    this.#consumerTags.push(consumerTag);
  }

  /** The settlements of consume channel `ch` (a batch's acks go as one `ack(last, allUpTo)`). */
  #acksOf(ch: Channel): AckCoalescer<ConsumeMessage> {
    let acks = this.#acks.get(ch);
    if (!acks) {
      // a failed call means the channel closed since delivery: the broker redelivers, the inbox drops it
      acks = new AckCoalescer<ConsumeMessage>(ch);
      this.#acks.set(ch, acks);
    }
    return acks;
  }

  async #ensureRetryQueue(queue: string, delayMs: number, ch?: Channel): Promise<string> {
    const name = retryQueueOf(queue, delayMs);
    if (!this.#declared.has(name)) {
      await this.#assertQueue(
        ch ?? await this.#pubChannel(),
        name,
        (s) => retryQueueArguments(queue, delayMs, s),
      );
      this.#declared.add(name);
    }
    return name;
  }

  /**
   * Sends a copy to the retry queue. When the send fails while the connection is being restored (a node
   * lost) it is tried again on the new connection, for up to the confirm timeout, rather than failing at
   * once: the consumer parks a delivery whose retry cannot be scheduled, and a failover takes a moment.
   * A copy sent twice (its first confirm lost with the connection) is dropped by the inbox.
   */
  async retryLater(queue: string, message: WireMessage, delayMs: number): Promise<void> {
    const deadline = Date.now() + CONFIRM_TIMEOUT_MS;
    for (;;) {
      try {
        const name = await this.#ensureRetryQueue(queue, delayMs);
        await this.#confirm((ch, cb) =>
          ch.sendToQueue(name, bufferOf(message.body), this.#properties(message, "resend"), cb)
        );
        return;
      } catch (err) {
        const refused = /ACCESS_REFUSED|PRECONDITION_FAILED|NOT_FOUND/.test(this.#lastPubError ?? "");
        if (this.#closing || refused || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
        await this.#whenConnected(deadline - Date.now());
      }
    }
  }

  /** Resolves once connected, or after `timeoutMs` (the caller's send then fails as it would have). */
  async #whenConnected(timeoutMs: number): Promise<void> {
    if (this.#connected || timeoutMs <= 0) return;
    let off = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      off = this.onConnectionChange((up) => up && resolve());
    });
    clearTimeout(timer);
    off();
  }

  sendToQueue(queue: string, message: WireMessage): Promise<void> {
    return this.#confirm((ch, cb) =>
      ch.sendToQueue(queue, bufferOf(message.body), this.#properties(message, "resend"), cb)
    );
  }

  async stopConsuming(): Promise<void> {
    const sub = this.#sub;
    this.#subs = [];
    if (!sub) return;
    for (const tag of this.#consumerTags) {
      try {
        await sub.cancel(tag);
      } catch {
        // already gone
      }
    }
    this.#consumerTags = [];
  }

  /** A channel for queue statistics only (a refused check closes it, never the publish channel). */
  #stats: Promise<Channel> | undefined;

  /**
   * Messages ready in `queue`, as the broker counts them (a passive declare on a channel of its own;
   * for the queue-depth gauge, sampled on each metrics collection).
   */
  async queueDepth(queue: string): Promise<number> {
    if (this.#closing || !this.#connected) throw new Error(`Not connected to ${this.description}`);
    const opening = this.#stats ??= this.#model.createChannel().then((ch: Channel) => {
      const forget = () => {
        if (this.#stats === opening) this.#stats = undefined;
      };
      ch.on("close", forget);
      ch.on("error", forget);
      return ch;
    });
    try {
      return (await (await opening).checkQueue(queue)).messageCount;
    } catch (err) {
      if (this.#stats === opening) this.#stats = undefined;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    try {
      await this.#model.close();
    } catch {
      // already closed
    }
  }
}

/** The AMQP properties of a published message (amqplib's `Options.Publish`, the fields OMS sets). */
interface MessageProperties {
  persistent: true;
  messageId: string;
  contentType: string;
  type: string;
  timestamp: number;
  userId: string;
  headers: Record<string, string | number>;
}

/** `m`'s properties, published as broker user `userId`: one object, its headers built in place. */
function properties(m: WireMessage, userId: string): MessageProperties {
  const headers: Record<string, string | number> = { [H_ROUTING_KEY]: m.routingKey, [H_ATTEMPT]: m.attempt };
  if (m.occurredAt) headers[H_OCCURRED_AT] = m.occurredAt;
  if (m.traceparent) headers.traceparent = m.traceparent;
  return {
    persistent: true,
    messageId: m.id,
    contentType: "application/json",
    type: m.routingKey,
    timestamp: Math.floor(Date.now() / 1000),
    userId,
    headers,
  };
}

/**
 * `body` as the Buffer amqplib takes, without copying it: a view of the same bytes (amqplib copies them
 * into its frame while `publish` runs, and nothing writes to a message body).
 */
function bufferOf(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function toWire(msg: ConsumeMessage): WireMessage {
  const h = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const attempt = Number(h[H_ATTEMPT]);
  const rk = h[H_ROUTING_KEY];
  const m: WireMessage = {
    id: typeof msg.properties.messageId === "string" ? msg.properties.messageId : "",
    routingKey: typeof rk === "string" && rk !== "" ? rk : msg.fields.routingKey,
    // a copy, not a view: a view of amqplib's read buffer would carry the whole buffer wherever the body
    // is serialized (structured clone, a KV value)
    body: new Uint8Array(msg.content),
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
  };
  // the optional fields set in place (no object spread per field and delivery)
  const { traceparent, [H_OCCURRED_AT]: occurredAt, [ORIGINAL_USER_HEADER]: originalUserId } = h;
  if (typeof traceparent === "string") m.traceparent = traceparent;
  if (typeof occurredAt === "string") m.occurredAt = occurredAt;
  if (typeof msg.properties.userId === "string") m.userId = msg.properties.userId;
  if (typeof originalUserId === "string") m.originalUserId = originalUserId;
  return m;
}
