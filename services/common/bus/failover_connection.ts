/**
 * A broker connection over a list of RabbitMQ nodes that reconnects by itself: on a lost connection (or
 * a failed attempt) it tries the next node, round robin, with {@linkcode planAttempt}'s backoff between
 * rounds, and runs `setup` on every new connection (the transport re-declares its topology and
 * resubscribes there). amqplib's own recovery (`connect(url, { recovery })`) reconnects to one URL only,
 * so the loop is ours; each attempt is amqplib's plain `connect`.
 *
 * Each connection's socket writes are coalesced per turn ({@linkcode coalesceConnectionWrites}), and
 * its socket sends without Nagle's delay ({@linkcode connectOptions}).
 *
 * Channels are asked of the connection ({@linkcode createChannel}, {@linkcode createConfirmChannel}); while
 * it is down they wait for the next one.
 *
 * @module
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";
import { type Backoff, DEFAULT_BACKOFF, planAttempt } from "./failover_plan.ts";
import { coalesceConnectionWrites } from "./socket_coalescing.ts";

/**
 * The socket options of every connection amqplib opens here: `timeout`, and `noDelay` (TCP_NODELAY).
 *
 * amqplib leaves Nagle's algorithm on unless told otherwise. A publish, a confirm select or an ack is a
 * small write; made while an earlier write is still unacknowledged by the broker, Nagle holds it until
 * that acknowledgement comes, and the broker's kernel delays acknowledgements by up to 40 ms. A trickle
 * of messages (an order's events) met that stall on nearly every one: one message published with a
 * confirm, consumed and acked every 10 ms took 44 ms per round instead of 14 (quorum queue, this box).
 * The socket writes are already coalesced per turn, so nothing is gained by holding them longer.
 */
export function connectOptions(timeoutMs: number): { timeout: number; noDelay: true } {
  return { timeout: timeoutMs, noDelay: true };
}

/** What a {@linkcode FailoverConnection} tells its owner. Every hook is optional. */
export interface FailoverHooks {
  /** Connected (and `setup` done) to node `url`. */
  connect?(url: string): void;
  /** The connection to `url` was lost; a reconnection follows. */
  disconnect?(err: Error, url: string): void;
  /** An attempt on `url` failed (connecting or `setup`). */
  connectFailed?(err: Error, url: string): void;
  /** The next attempt: `attempt` of this failure streak, on `url`, after `delayMs`. */
  reconnectScheduled?(info: { attempt: number; delayMs: number; url: string; error: Error }): void;
  /** Gave up (`initialMaxRetries` ran out before the first connection). */
  reconnectFailed?(err: Error): void;
  /** An error the connection reported (it closes after it, which `disconnect` tells). */
  error?(err: Error): void;
}

/** Options of {@linkcode FailoverConnection}. */
export interface FailoverOptions {
  /** The nodes' AMQP URLs, tried in this order first. */
  urls: readonly string[];
  /** Runs on every new connection before it is handed out; a throw fails the attempt. */
  setup?: (model: ChannelModel) => Promise<void>;
  /** Failed attempts before the first connection after which it gives up (default: never). */
  initialMaxRetries?: number;
  /** The backoff between rounds (default 0.2 s doubling to 5 s). */
  backoff?: Backoff;
  /** A connection attempt not open within this time fails (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Opens one connection (default amqplib's `connect`; tests swap it). */
  open?: (url: string, timeoutMs: number) => Promise<ChannelModel>;
  hooks?: FailoverHooks;
}

/** The connection-level calls the transport makes. */
export interface ChannelSource {
  createChannel(): Promise<Channel>;
  createConfirmChannel(): Promise<ConfirmChannel>;
}

/** A self-healing connection to one node of a list at a time. */
export class FailoverConnection implements ChannelSource {
  #model: ChannelModel | undefined;
  #node = 0;
  #attempt = 0;
  #connectedOnce = false;
  #stopped = false;
  #failure: Error | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiters: { resolve: (m: ChannelModel) => void; reject: (e: Error) => void }[] = [];
  #first = Promise.withResolvers<void>();
  readonly #open: (url: string, timeoutMs: number) => Promise<ChannelModel>;

  /** Starts connecting to the first node (on the next turn, so hooks see every event). */
  constructor(private readonly opts: FailoverOptions) {
    if (opts.urls.length === 0) throw new Error("FailoverConnection needs at least one broker URL");
    this.#open = opts.open ?? ((url, timeout) => amqp.connect(url, connectOptions(timeout)));
    this.#first.promise.catch(() => {});
    this.#timer = setTimeout(() => this.#connect(), 0);
  }

  /** The URL of the node connected to, or undefined while down. */
  get url(): string | undefined {
    return this.#model ? this.opts.urls[this.#node] : undefined;
  }

  /** Resolves at the first connection; rejects when closed or given up before it. */
  waitForConnect(): Promise<void> {
    return this.#first.promise;
  }

  /** A channel on the current connection (waits for one while down). */
  async createChannel(): Promise<Channel> {
    return await (await this.#connection()).createChannel();
  }

  /** A confirm channel on the current connection (waits for one while down). */
  async createConfirmChannel(): Promise<ConfirmChannel> {
    return await (await this.#connection()).createConfirmChannel();
  }

  /** Stops reconnecting and closes the connection. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    const closed = new Error("Connection closed");
    this.#first.reject(closed);
    for (const w of this.#waiters.splice(0)) w.reject(closed);
    const model = this.#model;
    this.#model = undefined;
    if (model) await model.close().catch(() => {});
  }

  #connection(): Promise<ChannelModel> {
    if (this.#model) return Promise.resolve(this.#model);
    if (this.#stopped) return Promise.reject(this.#failure ?? new Error("Connection closed"));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopped) return;
    const url = this.opts.urls[this.#node]!;
    let model: ChannelModel | undefined;
    try {
      model = await this.#open(url, this.opts.connectTimeoutMs ?? 5000);
      // the frames amqplib writes in one turn go to the socket as one write (see socket_coalescing.ts)
      coalesceConnectionWrites(model);
      // an error event before setup ends would otherwise be unhandled; close follows it
      model.on("error", (err: Error) => this.opts.hooks?.error?.(err));
      await this.opts.setup?.(model);
      if (this.#stopped) {
        await model.close().catch(() => {});
        return;
      }
    } catch (err) {
      if (model) await model.close().catch(() => {});
      const error = err instanceof Error ? err : new Error(String(err));
      this.opts.hooks?.connectFailed?.(error, url);
      this.#schedule(error);
      return;
    }
    this.#model = model;
    this.#attempt = 0;
    this.#connectedOnce = true;
    model.on("close", (err?: Error) => this.#lost(model, err ?? new Error("Connection closed"), url));
    this.#first.resolve();
    for (const w of this.#waiters.splice(0)) w.resolve(model);
    this.opts.hooks?.connect?.(url);
  }

  #lost(model: ChannelModel, err: Error, url: string): void {
    if (this.#model !== model) return;
    this.#model = undefined;
    if (this.#stopped) return;
    this.opts.hooks?.disconnect?.(err, url);
    this.#schedule(err);
  }

  #schedule(error: Error): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const max = this.#connectedOnce ? Infinity : this.opts.initialMaxRetries ?? Infinity;
    if (this.#attempt >= max) {
      this.#stopped = true;
      this.#failure = error;
      this.#first.reject(error);
      for (const w of this.#waiters.splice(0)) w.reject(error);
      this.opts.hooks?.reconnectFailed?.(error);
      return;
    }
    this.#attempt++;
    const { node, delayMs } = planAttempt(
      this.#attempt,
      this.#node,
      this.opts.urls.length,
      this.opts.backoff ?? DEFAULT_BACKOFF,
    );
    this.#node = node;
    const url = this.opts.urls[node]!;
    this.opts.hooks?.reconnectScheduled?.({ attempt: this.#attempt, delayMs, url, error });
    this.#timer = setTimeout(() => this.#connect(), delayMs);
  }
}
