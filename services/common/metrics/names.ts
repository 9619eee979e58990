/**
 * The metrics OMS exports, by the names Prometheus sees them under (the OpenTelemetry Prometheus exporter
 * turns an instrument `a.b.c` with unit `ms` into `a_b_c_milliseconds`, and adds `_total` to counters).
 * Dashboards, the admin System page and the scrape test all read these names from here.
 *
 * @module
 */

/** Prometheus series names (histograms also have `_bucket`, `_sum` and `_count`). */
export const METRIC = {
  /** Histogram, ms: gRPC server call durations. Labels: rpc_service, rpc_method, rpc_grpc_status_code. */
  rpcServerDuration: "rpc_server_duration_milliseconds",
  /** Histogram, ms: gRPC client call durations. Labels: rpc_service, rpc_method, rpc_grpc_status_code. */
  rpcClientDuration: "rpc_client_duration_milliseconds",
  /** Histogram, s: web's HTTP requests. Labels: http_request_method, http_route, http_response_status_code. */
  httpServerDuration: "http_server_request_duration_seconds",
  /**
   * Counter: deliveries a consumer finished. Labels: messaging_destination_name (queue),
   * messaging_rabbitmq_destination_routing_key, oms_outcome (processed | retried | parked | failed).
   */
  consumed: "messaging_client_consumed_messages_total",
  /** Histogram, s: time to handle one delivery. Labels: messaging_destination_name, routing key. */
  processDuration: "messaging_process_duration_seconds",
  /** Counter: relay publishes. Labels: messaging_rabbitmq_destination_routing_key, error_type (only on failure). */
  sent: "messaging_client_sent_messages_total",
  /** Histogram, s: consumer lag, from an event's publish time to its handling. Label: messaging_destination_name. */
  consumerLag: "oms_messaging_consumer_lag_seconds",
  /** Gauge: messages ready in a service's queue (broker's count). Label: messaging_destination_name. */
  queueDepth: "oms_messaging_queue_depth",
  /** Gauge: records waiting in a service's outbox. Label: oms_service. */
  outboxRecords: "oms_outbox_records",
  /** Gauge, s: age of the oldest outbox record (0 when empty). Label: oms_service. */
  outboxOldestAge: "oms_outbox_oldest_age_seconds",
  /** Gauge: parked messages (dead letters) of a service. Label: oms_service. */
  deadLetters: "oms_dead_letters",
  /** Gauge: orders by status (orders service). Label: status (lower case: pending, paid, ...). */
  orders: "oms_orders",
  /** Counter: order state changes (orders service). Label: status (the state entered). */
  orderTransitions: "oms_order_transitions_total",
  /** Histogram, s: from paid to ready (orders service). */
  timeToReady: "oms_order_time_to_ready_seconds",
  /**
   * Gauge: open kitchen tickets (kitchen service). Labels: status (queued | preparing | ready),
   * age (lt5m | 5to10m | 10to20m | ge20m).
   */
  kitchenOpenTickets: "oms_kitchen_open_tickets",
  /** Counter: failure flags that fired (any process). Label: flag. */
  flagFired: "oms_flag_fired_total",
  /** Counter: payments recovered by reconciliation (payments service). Label: kind (session | event). */
  reconciled: "oms_payments_reconciled_total",
} as const;

/** A metric's Prometheus name. */
export type MetricName = typeof METRIC[keyof typeof METRIC];
