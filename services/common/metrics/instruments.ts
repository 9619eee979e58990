/**
 * The OMS instruments, under the OpenTelemetry semantic conventions' names where there is one (RPC,
 * HTTP, messaging) and `oms.*` otherwise. The Prometheus endpoint shows them under the names in
 * `names.ts` (`prometheus_names.ts` adds the unit suffixes); OTLP receives these names as they are.
 *
 * Only `sdk.ts` builds them, from the SDK's meter; the rest of OMS records through `record.ts`.
 *
 * @module
 */
import type { Counter, Histogram, Meter, ObservableGauge } from "@opentelemetry/api";
import type { METRIC } from "./names.ts";

/** Bucket bounds of the second-valued histograms (the HTTP conventions' advice). */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Bucket bounds of the millisecond-valued RPC histograms. */
export const MS_BUCKETS = [1, 2.5, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 10000];
/** Bucket bounds of consumer lag (s): from a publish to its handling, retries included. */
export const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Bucket bounds of paid-to-ready (s): one minute to two hours. */
export const READY_BUCKETS = [60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200];

/** The gauges, observed on collection only (see `gauges.ts`). */
export type GaugeKey =
  | "queueDepth"
  | "outboxRecords"
  | "outboxOldestAge"
  | "deadLetters"
  | "orders"
  | "kitchenOpenTickets";

/** Every instrument OMS records into. */
export interface Instruments {
  rpcServerDuration: Histogram;
  rpcClientDuration: Histogram;
  httpServerDuration: Histogram;
  consumed: Counter;
  processDuration: Histogram;
  sent: Counter;
  consumerLag: Histogram;
  orderTransitions: Counter;
  timeToReady: Histogram;
  flagFired: Counter;
  reconciled: Counter;
  gauges: Record<GaugeKey, ObservableGauge>;
}

/**
 * OpenTelemetry instrument name and unit of each {@linkcode METRIC} (the Prometheus name is the
 * instrument name with `.` as `_`, the unit's suffix, and `_total` on counters).
 */
export const INSTRUMENTS: Record<keyof typeof METRIC, { name: string; unit: string; description: string }> = {
  rpcServerDuration: { name: "rpc.server.duration", unit: "ms", description: "gRPC server call durations" },
  rpcClientDuration: { name: "rpc.client.duration", unit: "ms", description: "gRPC client call durations" },
  httpServerDuration: {
    name: "http.server.request.duration",
    unit: "s",
    description: "Duration of HTTP server requests",
  },
  consumed: {
    name: "messaging.client.consumed.messages",
    unit: "{message}",
    description: "Deliveries a consumer finished, by outcome",
  },
  processDuration: {
    name: "messaging.process.duration",
    unit: "s",
    description: "Time to handle one delivery (to its outcome)",
  },
  sent: {
    name: "messaging.client.sent.messages",
    unit: "{message}",
    description: "Messages the relay published",
  },
  consumerLag: {
    name: "oms.messaging.consumer.lag",
    unit: "s",
    description: "From an event's publish to its handling (first attempts)",
  },
  queueDepth: {
    name: "oms.messaging.queue.depth",
    unit: "{message}",
    description: "Messages ready in a service queue (the broker's count)",
  },
  outboxRecords: {
    name: "oms.outbox.records",
    unit: "{record}",
    description: "Records waiting in an outbox",
  },
  outboxOldestAge: {
    name: "oms.outbox.oldest_age",
    unit: "s",
    description: "Age of the oldest outbox record (0 when empty)",
  },
  deadLetters: { name: "oms.dead_letters", unit: "{message}", description: "Parked messages of a service" },
  orders: { name: "oms.orders", unit: "{order}", description: "Orders by status" },
  orderTransitions: {
    name: "oms.order.transitions",
    unit: "{transition}",
    description: "Order state changes, by the status entered",
  },
  timeToReady: { name: "oms.order.time_to_ready", unit: "s", description: "From paid to ready" },
  kitchenOpenTickets: {
    name: "oms.kitchen.open_tickets",
    unit: "{ticket}",
    description: "Open kitchen tickets by status and age",
  },
  flagFired: { name: "oms.flag.fired", unit: "{event}", description: "Failure flags that fired" },
  reconciled: {
    name: "oms.payments.reconciled",
    unit: "{payment}",
    description: "Payments recovered by reconciliation",
  },
};

/** Builds every instrument on `meter`. */
export function createInstruments(meter: Meter): Instruments {
  const histogram = (key: keyof typeof METRIC, buckets: number[]) => {
    const { name, unit, description } = INSTRUMENTS[key];
    return meter.createHistogram(name, { unit, description, advice: { explicitBucketBoundaries: buckets } });
  };
  const counter = (key: keyof typeof METRIC) => meter.createCounter(INSTRUMENTS[key].name, INSTRUMENTS[key]);
  const gauge = (key: GaugeKey) => meter.createObservableGauge(INSTRUMENTS[key].name, INSTRUMENTS[key]);
  return {
    rpcServerDuration: histogram("rpcServerDuration", MS_BUCKETS),
    rpcClientDuration: histogram("rpcClientDuration", MS_BUCKETS),
    httpServerDuration: histogram("httpServerDuration", SECONDS_BUCKETS),
    consumed: counter("consumed"),
    processDuration: histogram("processDuration", SECONDS_BUCKETS),
    sent: counter("sent"),
    consumerLag: histogram("consumerLag", LAG_BUCKETS),
    orderTransitions: counter("orderTransitions"),
    timeToReady: histogram("timeToReady", READY_BUCKETS),
    flagFired: counter("flagFired"),
    reconciled: counter("reconciled"),
    gauges: {
      queueDepth: gauge("queueDepth"),
      outboxRecords: gauge("outboxRecords"),
      outboxOldestAge: gauge("outboxOldestAge"),
      deadLetters: gauge("deadLetters"),
      orders: gauge("orders"),
      kitchenOpenTickets: gauge("kitchenOpenTickets"),
    },
  };
}
