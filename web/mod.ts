/**
 * The OMS gateway (web): the JSON API in front of the gRPC services.
 *
 * @module
 */
export { connectClients, createApp, start, type WebHandle } from "./server.ts";
export type { AppDeps, AppEnv, Clients } from "./api/deps.ts";
export { ConfigError, loadConfig, type WebConfig } from "./config.ts";
export { ApiError } from "./api/errors.ts";
export { parseOrderBody } from "./api/parse_order_body.ts";
