/**
 * RabbitMQ transport (npm:amqplib): a durable topic exchange, a durable queue per consuming service,
 * retry queues whose messages dead-letter back to the service queue when their TTL runs out, publisher
 * confirms on every publish, acknowledgements coalesced per consume channel (a batch's acks as one
 * `ack(last, allUpTo)`, see {@linkcode AckCoalescer}), and automatic reconnection (amqplib's opt-in
 * recovery) that re-declares the topology and resubscribes.
 *
 * Each service queue dead-letters what its consumer rejects to `<queue>.dead` (arguments
 * `x-dead-letter-exchange: ""`, `x-dead-letter-routing-key: <queue>.dead`): the last resort when a
 * message cannot even be parked in the service's store. RabbitMQ cannot change the arguments of an
 * existing queue (PRECONDITION_FAILED); a queue declared by an older OMS without them is reported with
 * what to do ({@linkcode QueueArgumentsError}) and the service does not start.
 *
 * The connection is waited for: `connect` retries with a logged backoff (0.2 s doubling to 5 s, for as
 * long as it takes) until the broker answers or the signal aborts; a lost connection is logged, retried
 * the same way and logged again when restored. {@linkcode AmqpTransport.connected} and
 * {@linkcode AmqpTransport.onConnectionChange} tell the service (its health follows them).
 *
 * @module
 */
import amqp, {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from "amqplib";
import type { Logger } from "../log.ts";
import type { QueueBinding } from "../topology.ts";
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
  /** Broker URL. */
  url: string;
  /** Topic exchange name. */
  exchange: string;
  /** Unacknowledged deliveries per consumer (default 16). */
  prefetch?: number;
  /** Failed connection attempts before `connect` gives up at start (default: never gives up). */
  initialRetries?: number;
  /** Aborting it stops waiting for the broker: `connect` then rejects. */
  signal?: AbortSignal;
  log: Logger;
}

type Send = "publish" | "resend";
/**
 * A service queue exists with other arguments than this OMS declares (an older OMS declared it without
 * its dead-letter queue). RabbitMQ cannot change them in place; the message says what to do.
 */
export class QueueArgumentsError extends Error {
  /** Creates the error for `queue`. */
  constructor(readonly queue: string, cause: unknown) {
    super(
      `Queue "${queue}" exists with other arguments than this version declares ` +
        `(x-dead-letter-exchange "" and x-dead-letter-routing-key "${queue}.dead"), so RabbitMQ refuses ` +
        `it (PRECONDITION_FAILED). Stop the services, let the queue drain (or move its messages), delete ` +
        `it (rabbitmqctl delete_queue ${queue}) and start again; see README "Dead letters".`,
      { cause },
    );
    this.name = "QueueArgumentsError";
  }
}

/** The arguments of every service queue: what its consumer rejects goes to `<queue>.dead`. */
export function serviceQueueArguments(queue: string): Record<string, string> {
  return { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": deadQueueOf(queue) };
}

/** The RabbitMQ {@linkcode Transport}. */
export class AmqpTransport implements Transport {
  readonly description: string;
  #model!: RecoveringChannelModel;
  #pub: ConfirmChannel | undefined;
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

  private constructor(private readonly opts: AmqpTransportOptions) {
    this.description = `RabbitMQ at ${redact(opts.url)}`;
    this.#user = userOfUrl(opts.url);
  }

  /**
   * Connects and declares the exchange, waiting for the broker as long as it takes (each attempt logged
   * with the next delay) unless `opts.initialRetries` runs out or `opts.signal` aborts.
   */
  static async connect(opts: AmqpTransportOptions): Promise<AmqpTransport> {
    opts.signal?.throwIfAborted();
    const t = new AmqpTransport(opts);
    const { log } = opts;
    t.#model = await amqp.connect(opts.url, {
      recovery: {
        initialDelay: FIRST_RECONNECT_DELAY_MS,
        maxDelay: MAX_RECONNECT_DELAY_MS,
        factor: 2,
        jitter: 0,
        maxRetries: Infinity,
        initialMaxRetries: opts.initialRetries ?? Infinity,
        waitForConnect: false,
        setup: (model: ChannelModel) => t.#setup(model),
      },
    });
    const fatal = Promise.withResolvers<never>();
    t.#model.on("connect", () => {
      const restored = t.#connectedOnce;
      t.#connectedOnce = true;
      if (restored) log.info("broker connection restored", { broker: t.description });
      else log.info("broker connected", { broker: t.description });
      t.#setConnected(true);
    });
    t.#model.on("disconnect", (err: Error) => {
      t.#setConnected(false);
      if (!t.#closing) log.warn("broker connection lost, reconnecting", { err: err?.message });
    });
    t.#model.on("connect-failed", (err: Error) => {
      if (err instanceof QueueArgumentsError) {
        log.error("broker topology does not match this version", { err: err.message });
        if (!t.#connectedOnce) fatal.reject(err);
      }
    });
    t.#model.on("reconnect-scheduled", (info: { attempt: number; delay: number; error: Error }) => {
      if (t.#closing) return;
      log.warn(t.#connectedOnce ? "broker still unreachable, retrying" : "waiting for the broker", {
        broker: t.description,
        attempt: info.attempt,
        nextDelayMs: info.delay,
        err: info.error?.message,
      });
    });
    t.#model.on("reconnect-failed", (err: Error) => fatal.reject(err));
    t.#model.on("error", (err: Error) => log.warn("broker connection error", { err: err.message }));
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
    this.#declared.clear();
    const pub = await this.#openPub(model);
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
    }
  }

  /** Declares `<queue>.dead` and then `queue` dead-lettering to it (PRECONDITION_FAILED explained). */
  async #assertServiceQueue(ch: Channel, queue: string): Promise<void> {
    await ch.assertQueue(deadQueueOf(queue), { durable: true });
    try {
      await ch.assertQueue(queue, { durable: true, arguments: serviceQueueArguments(queue) });
    } catch (err) {
      if (/PRECONDITION_FAILED/.test(String((err as Error)?.message))) {
        throw new QueueArgumentsError(queue, err);
      }
      throw err;
    }
  }

  #channel(): ConfirmChannel {
    if (!this.#pub) throw new Error(`Not connected to ${this.description}`);
    return this.#pub;
  }

  /**
   * Opens the publish channel. The broker closes a channel whose publish it refuses (ACCESS_REFUSED);
   * the connection lives on, so the next publish opens a new channel here.
   */
  async #openPub(model: Pick<ChannelModel, "createConfirmChannel">): Promise<ConfirmChannel> {
    const pub = await model.createConfirmChannel();
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

  /** The open publish channel, reopened after the broker closed it (only while connected, not closing). */
  async #pubChannel(): Promise<ConfirmChannel> {
    return this.#pub ??
      (this.#closing || !this.#connected ? this.#channel() : await this.#openPub(this.#model));
  }

  async #confirm(send: (ch: ConfirmChannel, cb: (err: unknown) => void) => void): Promise<void> {
    const ch = await this.#pubChannel();
    this.#lastPubError = undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("Broker did not confirm the publish in time")),
        CONFIRM_TIMEOUT_MS,
      );
      send(ch, (err) => {
        clearTimeout(timer);
        if (err) reject(err instanceof Error ? err : new Error(`Broker refused the message: ${String(err)}`));
        else resolve();
      });
    });
  }

  async publish(message: WireMessage): Promise<void> {
    try {
      await this.#confirm((ch, cb) =>
        ch.publish(
          this.opts.exchange,
          message.routingKey,
          Buffer.from(message.body),
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
  #properties(m: WireMessage, send: Send) {
    const p = properties(m);
    const original = send === "resend" ? m.originalUserId : undefined;
    return {
      ...p,
      userId: this.#user,
      headers: { ...p.headers, ...(original ? { [ORIGINAL_USER_HEADER]: original } : {}) },
    };
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

  async #ensureRetryQueue(queue: string, delayMs: number): Promise<string> {
    const name = `${queue}.retry.${delayMs}ms`;
    if (!this.#declared.has(name)) {
      await (await this.#pubChannel()).assertQueue(name, {
        durable: true,
        arguments: {
          "x-message-ttl": delayMs,
          "x-dead-letter-exchange": "",
          "x-dead-letter-routing-key": queue,
        },
      });
      this.#declared.add(name);
    }
    return name;
  }

  async retryLater(queue: string, message: WireMessage, delayMs: number): Promise<void> {
    const name = await this.#ensureRetryQueue(queue, delayMs);
    await this.#confirm((ch, cb) =>
      ch.sendToQueue(name, Buffer.from(message.body), this.#properties(message, "resend"), cb)
    );
  }

  sendToQueue(queue: string, message: WireMessage): Promise<void> {
    return this.#confirm((ch, cb) =>
      ch.sendToQueue(queue, Buffer.from(message.body), this.#properties(message, "resend"), cb)
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

function properties(m: WireMessage) {
  return {
    persistent: true,
    messageId: m.id,
    contentType: "application/json",
    type: m.routingKey,
    timestamp: Math.floor(Date.now() / 1000),
    headers: {
      [H_ROUTING_KEY]: m.routingKey,
      [H_ATTEMPT]: m.attempt,
      ...(m.occurredAt ? { [H_OCCURRED_AT]: m.occurredAt } : {}),
      ...(m.traceparent ? { traceparent: m.traceparent } : {}),
    },
  };
}

function toWire(msg: ConsumeMessage): WireMessage {
  const h = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const attempt = Number(h[H_ATTEMPT]);
  const rk = h[H_ROUTING_KEY];
  return {
    id: typeof msg.properties.messageId === "string" ? msg.properties.messageId : "",
    routingKey: typeof rk === "string" && rk !== "" ? rk : msg.fields.routingKey,
    body: new Uint8Array(msg.content),
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    ...(typeof h.traceparent === "string" ? { traceparent: h.traceparent } : {}),
    ...(typeof h[H_OCCURRED_AT] === "string" ? { occurredAt: h[H_OCCURRED_AT] as string } : {}),
    ...(typeof msg.properties.userId === "string" ? { userId: msg.properties.userId } : {}),
    ...(typeof h[ORIGINAL_USER_HEADER] === "string"
      ? { originalUserId: h[ORIGINAL_USER_HEADER] as string }
      : {}),
  };
}

/** Removes the password from an AMQP URL for logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
