/**
 * Who listens to what: the routing keys bound to each consuming service's durable queue. Every
 * service declares the whole topology when it connects, so an event published before its consumer
 * has ever started waits in that consumer's queue instead of being dropped by the exchange.
 *
 * @module
 */
import type { RoutingKey } from "./events.ts";

/** The routing keys each consuming service's queue is bound to. */
export const TOPOLOGY: Readonly<Record<"orders" | "stock" | "payments" | "kitchen", readonly RoutingKey[]>> =
  {
    orders: [
      "payment.link_created",
      "payment.succeeded",
      "payment.failed",
      "payment.expired",
      "payment.refunded",
      "kitchen.ticket_started",
      "kitchen.ticket_ready",
      "kitchen.ticket_reopened",
    ],
    stock: ["order.paid", "order.cancelled"],
    payments: ["order.created", "order.cancelled"],
    kitchen: ["order.paid", "order.completed", "order.refunded"],
  };

/**
 * Routing keys a service's queue was bound to by earlier versions and no longer is: unbound whenever
 * the topology is declared, so a queue created by an older version stops receiving events its service
 * has no handler for (they would be parked as dead letters). `order.created` at stock: a reservation
 * is settled by `order.paid` or `order.cancelled`, and the sweeper asks orders about one still open
 * after its TTL, so confirming it on `order.created` cost a delivery and a commit per order for nothing.
 */
export const RETIRED_BINDINGS: Readonly<Partial<Record<keyof typeof TOPOLOGY, readonly RoutingKey[]>>> = {
  stock: ["order.created"],
};

/** A queue and its bindings. */
export interface QueueBinding {
  queue: string;
  bindings: readonly string[];
  /** Keys to unbind if an earlier version bound them ({@linkcode RETIRED_BINDINGS}). */
  retired?: readonly string[];
}

/** Every service queue of the system under `queuePrefix`. */
export function queuesOf(queuePrefix: string): QueueBinding[] {
  return Object.entries(TOPOLOGY).map(([service, bindings]) => {
    const retired = RETIRED_BINDINGS[service as keyof typeof TOPOLOGY];
    return { queue: `${queuePrefix}.${service}`, bindings, ...(retired ? { retired } : {}) };
  });
}
