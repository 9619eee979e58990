/**
 * An in-process transport for the single-process dev fallback (no broker reachable, none installed).
 * It keeps the contract of the RabbitMQ transport: topic routing with `*` and `#`, a queue per consuming
 * service shared by its consumers, at-least-once delivery (an unsettled message is redelivered when
 * consuming stops), retries after a delay. It is not durable: it lives as long as the process.
 *
 * @module
 */
import type { QueueBinding } from "../topology.ts";
import { deadQueueOf, type OnMessage, type Transport, type WireMessage } from "./transport.ts";

interface MemoryQueue {
  name: string;
  bindings: RegExp[];
  messages: WireMessage[];
  consumer?: OnMessage;
  inFlight: Set<WireMessage>;
}

/** One in-process broker: every transport created from it shares its queues. */
export class MemoryBroker {
  /** Queues by name. */
  readonly queues: Map<string, MemoryQueue> = new Map();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  /** Routes `message` to every bound queue. */
  route(message: WireMessage): void {
    for (const q of this.queues.values()) {
      if (q.bindings.some((b) => b.test(message.routingKey))) this.enqueue(q, message);
    }
  }

  /** Appends to `q` and delivers if a consumer is attached. */
  enqueue(q: MemoryQueue, message: WireMessage): void {
    q.messages.push(message);
    this.drain(q);
  }

  /** Delivers queued messages to the queue's consumer. */
  drain(q: MemoryQueue): void {
    while (q.consumer && q.messages.length > 0) {
      const m = q.messages.shift()!;
      q.inFlight.add(m);
      const consumer = q.consumer;
      queueMicrotask(() =>
        consumer(m, (how = "ack") => {
          // settling twice, or after consuming stopped (the message went back to the queue), does nothing
          if (!q.inFlight.delete(m)) return;
          if (how === "reject") this.enqueue(this.queue(deadQueueOf(q.name)), m);
        })
      );
    }
  }

  /** Runs `fn` after `ms`, unless the broker is cleared first. */
  later(ms: number, fn: () => void): void {
    const id = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, ms);
    this.#timers.add(id);
  }

  /** Cancels pending retries (on shutdown). */
  clear(): void {
    for (const id of this.#timers) clearTimeout(id);
    this.#timers.clear();
  }

  /** Returns (creating) the queue `name`. */
  queue(name: string): MemoryQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = { name, bindings: [], messages: [], inFlight: new Set() };
      this.queues.set(name, q);
    }
    return q;
  }
}

/** Compiles an AMQP topic binding (`*` one word, `#` zero or more words) to a RegExp. */
export function topicPattern(binding: string): RegExp {
  const parts = binding.split(".").map((w) =>
    w === "*" ? "[^.]+" : w === "#" ? "__HASH__" : w.replace(/[\\^$.|?+()[\]{}]/g, "\\$&")
  );
  const src = parts.join("\\.").replace(
    /(\\\.)?__HASH__(\\\.)?/g,
    (_m, a, b) => (a && b ? "(\\..*)?\\." : ".*"),
  );
  return new RegExp(`^${src}$`);
}

/** The in-process {@linkcode Transport}. */
export class MemoryTransport implements Transport {
  readonly description = "in-memory bus (single process, not durable)";
  /** Always true: there is no connection to lose. */
  readonly connected = true;
  #consuming: string[] = [];

  /**
   * Creates a transport on `broker`. `userId` is the publishing service's broker user, stamped on what it
   * sends as RabbitMQ stamps a validated `user_id`, so consumers' owner checks run here too.
   */
  constructor(private readonly broker: MemoryBroker, private readonly userId?: string) {}

  /** `message` as this transport's user sends it; a resend (retry, replay) keeps the original user. */
  #stamp(message: WireMessage, resend: boolean): WireMessage {
    const { userId: _u, originalUserId, ...rest } = message;
    return {
      ...rest,
      ...(this.userId ? { userId: this.userId } : {}),
      ...(resend && originalUserId ? { originalUserId } : {}),
    };
  }

  declareTopology(queues: QueueBinding[]): Promise<void> {
    for (const q of queues) {
      const queue = this.broker.queue(q.queue);
      if (queue.bindings.length === 0) queue.bindings = q.bindings.map(topicPattern);
    }
    return Promise.resolve();
  }

  publish(message: WireMessage): Promise<void> {
    this.broker.route(this.#stamp(message, false));
    return Promise.resolve();
  }

  consume(queue: string, bindings: string[], onMessage: OnMessage): Promise<void> {
    const q = this.broker.queue(queue);
    q.bindings = bindings.map(topicPattern);
    q.consumer = onMessage;
    this.#consuming.push(queue);
    this.broker.drain(q);
    return Promise.resolve();
  }

  retryLater(queue: string, message: WireMessage, delayMs: number): Promise<void> {
    const stamped = this.#stamp(message, true);
    this.broker.later(delayMs, () => this.broker.enqueue(this.broker.queue(queue), stamped));
    return Promise.resolve();
  }

  sendToQueue(queue: string, message: WireMessage): Promise<void> {
    this.broker.enqueue(this.broker.queue(queue), this.#stamp(message, true));
    return Promise.resolve();
  }

  stopConsuming(): Promise<void> {
    for (const name of this.#consuming) {
      const q = this.broker.queue(name);
      q.consumer = undefined;
      // unsettled deliveries go back to the head of the queue, as a broker requeues them
      q.messages.unshift(...q.inFlight);
      q.inFlight.clear();
    }
    this.#consuming = [];
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.stopConsuming();
  }

  onConnectionChange(_listener: (connected: boolean) => void): () => void {
    return () => {};
  }
}
