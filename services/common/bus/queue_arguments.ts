/**
 * The arguments OMS declares its queues with. Quorum queues by default (`OMS_QUEUE_TYPE=quorum`):
 * replicated over the nodes of a RabbitMQ cluster by Raft, so a confirmed message survives the loss of
 * a minority of nodes. `classic` is for a broker that cannot run them (before 3.10 quorum queues have no
 * message TTL, which the retry queues need) or for keeping the classic queues an older OMS declared.
 *
 * - service queue `<queue>`: dead-letters what its consumer rejects to `<queue>.dead`; as a quorum queue
 *   also a delivery limit (`x-delivery-limit`, `OMS_DELIVERY_LIMIT`): a message handed out that many
 *   times without an acknowledgement (a consumer that crashes on it, again and again) goes to
 *   `<queue>.dead` instead of looping forever. OMS's own retries never count: the consumer acknowledges
 *   a failed delivery and sends a copy to a retry queue.
 * - retry queue `<queue>.retry.<ms>ms`: no consumer; each message expires after `<ms>` and dead-letters
 *   back to `<queue>`.
 * - `<queue>.dead`: the last resort, kept until an operator looks.
 *
 * Quorum queues dead-letter `at-least-once` here (`x-dead-letter-strategy`, which needs
 * `x-overflow: reject-publish`; no length limit is set, so nothing is ever refused for length): the
 * source keeps a dead-lettered message until the target queue confirms it, so a retry or a rejected
 * message is not lost in between when a node goes down.
 *
 * @module
 */
import { deadQueueOf } from "./transport.ts";

/** The type of OMS's queues. */
export type QueueType = "quorum" | "classic";

/** The queue types, for validation. */
export const QUEUE_TYPES: readonly QueueType[] = ["quorum", "classic"];

/** The default queue type. */
export const DEFAULT_QUEUE_TYPE: QueueType = "quorum";

/** The default delivery limit of a quorum service queue. */
export const DEFAULT_DELIVERY_LIMIT = 20;

/** The declared type and limits. */
export interface QueueSettings {
  /** Queue type (default quorum). */
  type?: QueueType;
  /** Deliveries without an acknowledgement before a message goes to `<queue>.dead` (quorum only). */
  deliveryLimit?: number;
}

type Arguments = Record<string, string | number>;

const AT_LEAST_ONCE: Arguments = {
  "x-dead-letter-strategy": "at-least-once",
  "x-overflow": "reject-publish",
};

/** The arguments of service queue `queue`. */
export function serviceQueueArguments(queue: string, settings: QueueSettings = {}): Arguments {
  const dlx = { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": deadQueueOf(queue) };
  if ((settings.type ?? DEFAULT_QUEUE_TYPE) === "classic") return dlx;
  return {
    "x-queue-type": "quorum",
    ...dlx,
    ...AT_LEAST_ONCE,
    "x-delivery-limit": settings.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
  };
}

/** The arguments of the retry queue of `queue` whose messages wait `delayMs`. */
export function retryQueueArguments(queue: string, delayMs: number, settings: QueueSettings = {}): Arguments {
  const args = { "x-message-ttl": delayMs, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue };
  if ((settings.type ?? DEFAULT_QUEUE_TYPE) === "classic") return args;
  return { "x-queue-type": "quorum", ...args, ...AT_LEAST_ONCE };
}

/** The arguments of `<queue>.dead`. */
export function deadQueueArguments(settings: QueueSettings = {}): Arguments {
  return (settings.type ?? DEFAULT_QUEUE_TYPE) === "classic" ? {} : { "x-queue-type": "quorum" };
}

/** The name of the retry queue of `queue` for `delayMs`. */
export function retryQueueOf(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

/**
 * A queue exists with other arguments than this OMS declares: declared by an older OMS (without the
 * dead-letter arguments), or as the other queue type. RabbitMQ cannot change them in place
 * (PRECONDITION_FAILED); the message says what differs and what to do.
 */
export class QueueArgumentsError extends Error {
  /**
   * Creates the error for `queue`, declared as `type`; `cause` is the broker's refusal; `existing` is the
   * queue's type when it is known to be the other one.
   */
  constructor(
    readonly queue: string,
    cause: unknown,
    readonly type: QueueType = DEFAULT_QUEUE_TYPE,
    readonly existing?: QueueType,
  ) {
    const broker = String((cause as Error)?.message ?? cause);
    super(
      `Queue "${queue}" exists with other arguments than this version declares ` +
        `(${describeArguments(type)}), so RabbitMQ refuses it (PRECONDITION_FAILED: ${
          brokerReason(broker)
        }). ` +
        (existing && existing !== type
          ? `It is a ${existing} queue and OMS_QUEUE_TYPE is ${type}. Either set OMS_QUEUE_TYPE=${existing} ` +
            `to keep using it, or move to ${type} queues: `
          : "") +
        `Stop the services, let the queue drain (or move its messages), delete it ` +
        `(rabbitmqctl delete_queue ${queue}) and start again; see README "Dead letters" and ` +
        `"Replicated queues".`,
      { cause },
    );
    this.name = "QueueArgumentsError";
  }
}

function describeArguments(type: QueueType): string {
  return type === "quorum"
    ? "a quorum queue with x-dead-letter-exchange, x-dead-letter-routing-key, x-delivery-limit and " +
      "at-least-once dead-lettering"
    : 'a classic queue; a service queue with x-dead-letter-exchange "" and x-dead-letter-routing-key <queue>.dead';
}

function brokerReason(message: string): string {
  const m = /inequivalent arg[^"]*/.exec(message);
  return (m ? m[0] : message).slice(0, 300).trim();
}
