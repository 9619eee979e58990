/**
 * Shared plumbing of the OMS services: config, logging, errors, gRPC server/client helpers, health,
 * trace context and tracing (OpenTelemetry), the event catalog and messaging (outbox, relay, consumer,
 * dead letters).
 *
 * @module
 */
export * from "./config.ts";
export * from "./errors.ts";
export * from "./log.ts";
export * from "./kv.ts";
export * from "./trace.ts";
export * from "./tracing/setup.ts";
export * from "./tracing/spans.ts";
export * from "./tracing/jaeger.ts";
export { type TracingConfig, tracingConfig } from "./tracing/config.ts";
export * from "./events.ts";
export * from "./grpc_handler.ts";
export * from "./grpc_client.ts";
export * from "./grpc_server.ts";
export * from "./health.ts";
export * from "./service_main.ts";
export * from "./service_runtime.ts";
export * from "./bus/types.ts";
export * from "./bus/outbox.ts";
export * from "./bus/messaging.ts";
export * from "./bus/transport.ts";
export * from "./bus/dead_letters.ts";
export { INBOX_PREFIX } from "./bus/consumer.ts";
