/**
 * Orders' configuration from environment variables.
 *
 * @module
 */
import { storePath } from "../common/kv.ts";
import { type CommonConfig, commonConfig, serviceAddr } from "../common/config.ts";
import { parseEnv } from "../common/env/schema.ts";
import { ORDERS_ENV } from "./env.ts";
import type { StaffAppOptions } from "../staff/app.ts";

/** Everything `start` needs. */
export interface OrdersConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`ORDERS_GRPC_PORT`, default 50051; 0 picks a free one). */
  port: number;
  /** Connect port (`ORDERS_CONNECT_PORT`; unset: gRPC only). */
  connectPort?: number;
  /** KV store path (`ORDERS_KV_PATH`, default `<DATA_DIR>/orders.kv`). */
  kvPath: string;
  /**
   * gRPC target of the stock service (`STOCK_ADDR`; default `consul://<agent>/stock` with
   * `CONSUL_HTTP_ADDR` set, else 127.0.0.1:50052).
   */
  stockAddr: string;
  /**
   * gRPC target of the payments service (`PAYMENTS_ADDR`; default `consul://<agent>/payments` with
   * `CONSUL_HTTP_ADDR` set, else 127.0.0.1:50053).
   */
  paymentsAddr: string;
  /** Deadline of Stock.ReserveItems (`STOCK_TIMEOUT_MS`, default 5000). */
  stockTimeoutMs: number;
  /** Deadline of the calls to payments (`PAYMENTS_TIMEOUT_MS`, default 3000). */
  paymentsTimeoutMs: number;
  /** Broker and data settings shared by every service. */
  common: CommonConfig;
  /** The hosted staff module's limits (tests; processes use the defaults). */
  staff?: Pick<StaffAppOptions, "limits" | "sessions" | "scrypt">;
}

/**
 * Reads the configuration from {@linkcode ORDERS_ENV}, the whole environment checked at once; throws a
 * `ConfigError` listing every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): OrdersConfig {
  const e = parseEnv(ORDERS_ENV, env);
  return {
    host: e.GRPC_HOST,
    port: e.ORDERS_GRPC_PORT,
    ...(e.ORDERS_CONNECT_PORT === undefined ? {} : { connectPort: e.ORDERS_CONNECT_PORT }),
    kvPath: storePath("orders", e.DATA_DIR, env),
    stockAddr: serviceAddr("stock", env),
    paymentsAddr: serviceAddr("payments", env),
    stockTimeoutMs: e.STOCK_TIMEOUT_MS,
    paymentsTimeoutMs: e.PAYMENTS_TIMEOUT_MS,
    common: commonConfig(env),
  };
}
