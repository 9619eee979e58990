/**
 * One upstream watch stream shared by every live view of this web process: {@linkcode Upstream} opens
 * the service's server stream when the first listener subscribes, fans each message out to the
 * listeners of its keys (an order id, a customer id, or "*"), and closes it when the last one leaves
 * (or `lingerMs` later, when nobody has subscribed again by then).
 * When the stream fails or ends while listeners remain, it reopens after a growing delay from the last
 * cursor it received, so no change is lost across the gap; an expired or refused cursor starts over
 * from now.
 *
 * It can also remember the latest message of each key it passed on ({@linkcode Upstream.latest}), so a
 * view that opens can show what the stream last said instead of reading it from the service: that
 * message is at most as old as the stream's lag, and any later change reaches the view's subscription.
 * What it remembers is forgotten whenever the stream is lost or closed, so nothing from before a gap is
 * ever served.
 *
 * A change this process commits itself through another call (an order web creates) can be remembered
 * before the stream passes it on ({@linkcode Upstream.witness}): the page that opens next shows it at
 * once, and the stream still brings every later change of it.
 *
 * @module
 */
import type { ClientReadableStream, ServiceError } from "@grpc/grpc-js";
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { Logger } from "../../services/common/log.ts";
import { BoundedCache } from "../bounded_cache.ts";

/** A message of a watch stream. */
export interface WatchMessage {
  /** Where to resume after it. */
  cursor: string;
}

/** Options of {@linkcode Upstream}. */
export interface UpstreamOptions<M extends WatchMessage> {
  /** The service's name, for logs. */
  name: string;
  /** Opens the server stream from `cursor` ("" = from now). */
  open(cursor: string): ClientReadableStream<M>;
  /** The listener keys a message goes to ("*" always gets it too). */
  keysOf(message: M): string[];
  log: Logger;
  /** First reconnect delay (default 250 ms), doubled up to `maxDelayMs` (default 5000 ms). */
  minDelayMs?: number;
  /** Longest reconnect delay. */
  maxDelayMs?: number;
  /**
   * How long the stream stays open after the last listener left (default 0: closed at once). Views
   * that come and go (order pages under steady traffic) then keep one stream, and what it remembers,
   * instead of reopening it from now each time the count touches zero.
   */
  lingerMs?: number;
  /** Remember the latest message per key for {@linkcode Upstream.latest} (default: nothing kept). */
  remember?: {
    /** The key a message is remembered under (undefined: not remembered). */
    keyOf(message: M): string | undefined;
    /** At most this many keys, the least recently changed or read forgotten first. */
    maxEntries: number;
  };
}

/** A listener of an upstream. */
export type Listener<M> = (message: M) => void;

/** Every message, whatever its keys. */
export const ALL = "*";

/** One shared watch stream with reconnect and resume. */
export class Upstream<M extends WatchMessage> {
  readonly #o: UpstreamOptions<M>;
  readonly #listeners = new Map<string, Set<Listener<M>>>();
  #count = 0;
  #stream: ClientReadableStream<M> | null = null;
  #cursor = "";
  #delay: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #linger: ReturnType<typeof setTimeout> | undefined;
  #opens = 0;
  readonly #latest: BoundedCache<string, M> | undefined;

  /** Creates the upstream (nothing is opened until someone subscribes). */
  constructor(options: UpstreamOptions<M>) {
    this.#o = options;
    this.#delay = options.minDelayMs ?? 250;
    this.#latest = options.remember ? new BoundedCache(options.remember.maxEntries) : undefined;
  }

  /**
   * The latest message the open stream passed on under `key` (see `remember`); undefined when none
   * was, or the stream is not open. A view subscribes first, then reads this: a later change still
   * reaches its listener.
   */
  latest(key: string): M | undefined {
    return this.#stream ? this.#latest?.get(key) : undefined;
  }

  /**
   * Called just before a call that commits a change; the returned function remembers `message`, the
   * change as that call answered it, under its key (see `remember`). It remembers nothing unless
   * the stream that is open now follows from a cursor when the call begins (one it passed on or resumed
   * from, so its watch passes on every change committed after: a stream opened from now may start
   * after the commit), is still open, and has passed on nothing for that key since (what it passed on
   * is as new or newer).
   */
  witness(): (message: M) => void {
    const stream = this.#cursor !== "" ? this.#stream : null;
    return (message) => {
      if (!stream || this.#stream !== stream || !this.#latest) return;
      const key = this.#o.remember?.keyOf(message);
      if (key !== undefined && this.#latest.get(key) === undefined) this.#latest.set(key, message);
    };
  }

  /** How many times the stream has been opened (reconnects included). */
  get opens(): number {
    return this.#opens;
  }

  /** How many listeners are subscribed. */
  get listeners(): number {
    return this.#count;
  }

  /** Calls `listener` with every message for `key` until the returned function is called. */
  subscribe(key: string, listener: Listener<M>): () => void {
    let set = this.#listeners.get(key);
    if (!set) this.#listeners.set(key, set = new Set());
    set.add(listener);
    this.#count++;
    if (this.#count === 1) {
      clearTimeout(this.#linger);
      this.#linger = undefined;
      // still open (lingering), or reopening after a loss: nothing to open
      if (!this.#stream && this.#timer === undefined) this.#open();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
      if (--this.#count === 0) this.#idle();
    };
  }

  /** Closes the stream and forgets the listeners. */
  close(): void {
    this.#listeners.clear();
    this.#count = 0;
    this.#close();
  }

  #open(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#opens++;
    const stream = this.#o.open(this.#cursor);
    this.#stream = stream;
    stream.on("data", (m: M) => {
      if (this.#stream !== stream) return;
      this.#cursor = m.cursor;
      this.#delay = this.#o.minDelayMs ?? 250;
      if (this.#latest) {
        const key = this.#o.remember?.keyOf(m);
        if (key !== undefined) this.#latest.set(key, m);
      }
      this.#dispatch(m);
    });
    stream.on("error", (err: ServiceError) => this.#lost(stream, err));
    stream.on("end", () => this.#lost(stream, null));
  }

  #dispatch(m: M): void {
    for (const key of [...this.#o.keysOf(m), ALL]) {
      const set = this.#listeners.get(key);
      if (!set) continue;
      for (const l of [...set]) {
        try {
          l(m);
        } catch (err) {
          this.#o.log.error("live listener failed", { upstream: this.#o.name, err });
        }
      }
    }
  }

  #lost(stream: ClientReadableStream<M>, err: ServiceError | null): void {
    if (this.#stream !== stream) return;
    this.#stream = null;
    this.#latest?.clear();
    if (this.#count === 0) return this.#close(); // lost while lingering: closed, as if it had ended
    if (err?.code === GrpcStatus.INVALID_ARGUMENT) {
      this.#o.log.warn("live stream refused its cursor; starting over from now", {
        upstream: this.#o.name,
        err: err.details,
      });
      this.#cursor = "";
    } else {
      this.#o.log.warn("live stream lost; resuming", {
        upstream: this.#o.name,
        err: err?.details ?? "ended",
        inMs: this.#delay,
      });
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#count > 0 && !this.#stream) this.#open();
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, this.#o.maxDelayMs ?? 5000);
  }

  /** The last listener left: close now, or after `lingerMs` unless someone subscribes by then. */
  #idle(): void {
    const lingerMs = this.#o.lingerMs ?? 0;
    if (lingerMs <= 0) return this.#close();
    clearTimeout(this.#linger);
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      if (this.#count === 0) this.#close();
    }, lingerMs);
    Deno.unrefTimer(this.#linger);
  }

  #close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#linger);
    this.#linger = undefined;
    const s = this.#stream;
    this.#stream = null;
    this.#latest?.clear();
    // from now on next time: the views that subscribe again read the current state first
    this.#cursor = "";
    s?.cancel();
  }
}
