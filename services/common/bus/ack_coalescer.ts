/**
 * Coalesces the settlements of one AMQP channel's deliveries: what is settled in the same turn (a
 * consumer batch finishing its deliveries one after the other) is sent in the next microtask, and a run
 * of acks at the head of the channel's unsettled deliveries goes as one `ack(last, allUpTo = true)`.
 *
 * `allUpTo` acknowledges every unacknowledged delivery of the channel up to `last`, so it is used only
 * for a run that starts at the channel's oldest unsettled delivery and in which every delivery is
 * settled as ack. A delivery settled while an earlier one is still being worked on is acknowledged on
 * its own (never held back: it would keep its prefetch slot); a reject is always its own `nack`.
 *
 * @module
 */

/** The channel calls the coalescer makes (amqplib's `Channel` has them). */
export interface AckChannel<M> {
  /** Acknowledges `message`, or with `allUpTo` every unacknowledged delivery up to it. */
  ack(message: M, allUpTo?: boolean): void;
  /** Rejects `message` (`allUpTo` false, `requeue` false: to its dead-letter queue). */
  nack(message: M, allUpTo?: boolean, requeue?: boolean): void;
}

interface Entry<M> {
  message: M;
  how: "ack" | "reject" | undefined;
}

/** The settlements of one channel; {@linkcode delivered} each delivery, {@linkcode settle} it once. */
export class AckCoalescer<M> {
  /** Unsettled or not yet sent deliveries, by delivery tag, in delivery order. */
  readonly #entries = new Map<number, Entry<M>>();
  #scheduled = false;
  /** Channel calls made, for tests: `ack`, `ack-multiple` (one per run) and `nack`. */
  readonly calls: Record<"ack" | "ackMultiple" | "nack", number> = { ack: 0, ackMultiple: 0, nack: 0 };

  /** Creates the coalescer of `channel`; `onError` hears a failed channel call (e.g. channel closed). */
  constructor(
    private readonly channel: AckChannel<M>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Records delivery `tag` (tags grow along the channel) before it is handed to its consumer. */
  delivered(tag: number, message: M): void {
    this.#entries.set(tag, { message, how: undefined });
  }

  /** Settles delivery `tag`; the channel call follows in a microtask, with those of the same turn. */
  settle(tag: number, how: "ack" | "reject"): void {
    const e = this.#entries.get(tag);
    if (!e || e.how) return;
    e.how = how;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Deliveries recorded and not yet sent as settled. */
  get unsettled(): number {
    return this.#entries.size;
  }

  /** Sends every settlement made so far (normally called from the microtask). */
  flush(): void {
    this.#scheduled = false;
    let run: { tag: number; message: M; count: number } | undefined;
    let atHead = true;
    for (const [tag, e] of this.#entries) {
      if (!e.how) {
        if (atHead && run) run = this.#sendRun(run);
        atHead = false;
        continue;
      }
      if (atHead && e.how === "ack") {
        run = { tag, message: e.message, count: (run?.count ?? 0) + 1 };
        this.#entries.delete(tag);
        continue;
      }
      if (atHead && run) run = this.#sendRun(run);
      this.#entries.delete(tag);
      this.#call(e.how === "ack" ? "ack" : "nack", () => {
        if (e.how === "ack") this.channel.ack(e.message);
        else this.channel.nack(e.message, false, false);
      });
    }
    if (run) this.#sendRun(run);
  }

  /** Sends a run of acks at the head as one call. */
  #sendRun(run: { message: M; count: number }): undefined {
    if (run.count === 1) this.#call("ack", () => this.channel.ack(run.message));
    else this.#call("ackMultiple", () => this.channel.ack(run.message, true));
    return undefined;
  }

  #call(kind: "ack" | "ackMultiple" | "nack", f: () => void): void {
    this.calls[kind]++;
    try {
      f();
    } catch (err) {
      // the channel closed since delivery: the broker redelivers and the inbox drops the duplicate
      this.onError(err);
    }
  }
}
