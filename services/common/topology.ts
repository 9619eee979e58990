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
    stock: ["order.created", "order.paid", "order.cancelled"],
    payments: ["order.created", "order.cancelled"],
    kitchen: ["order.paid", "order.completed", "order.refunded"],
  };

/** A queue and its bindings. */
export interface QueueBinding {
  queue: string;
  bindings: readonly string[];
}

/** Every service queue of the system under `queuePrefix`. */
export function queuesOf(queuePrefix: string): QueueBinding[] {
  return Object.entries(TOPOLOGY).map(([service, bindings]) => ({
    queue: `${queuePrefix}.${service}`,
    bindings,
  }));
}
