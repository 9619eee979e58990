/**
 * Orders' configuration from environment variables.
 *
 * @module
 */
import {
  type CommonConfig,
  commonConfig,
  DEFAULT_PORTS,
  envInt,
  envString,
  serviceAddr,
} from "../common/config.ts";
import { storePath } from "../common/kv.ts";
import type { StaffAppOptions } from "../staff/app.ts";

/** Everything `start` needs. */
export interface OrdersConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`ORDERS_GRPC_PORT`, default 50051; 0 picks a free one). */
  port: number;
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

/** Reads and validates the configuration; throws a `ConfigError` naming a bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): OrdersConfig {
  const common = commonConfig(env);
  return {
    host: envString("GRPC_HOST", "127.0.0.1", env),
    port: envInt("ORDERS_GRPC_PORT", DEFAULT_PORTS.orders, { min: 0, max: 65535 }, env),
    kvPath: storePath("orders", common.dataDir, env),
    stockAddr: serviceAddr("stock", env),
    paymentsAddr: serviceAddr("payments", env),
    stockTimeoutMs: envInt("STOCK_TIMEOUT_MS", 5000, { min: 1, max: 600_000 }, env),
    paymentsTimeoutMs: envInt("PAYMENTS_TIMEOUT_MS", 3000, { min: 1, max: 600_000 }, env),
    common,
  };
}
