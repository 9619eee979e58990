/**
 * Stock's configuration from environment variables.
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

/**
 * How long a reservation may stay unconfirmed by its `order.created` before the sweeper asks orders
 * whether its order exists (2 min).
 */
export const DEFAULT_RESERVATION_TTL_MS = 120_000;

/** How often overdue unconfirmed reservations are swept by default (10 s). */
export const DEFAULT_SWEEP_INTERVAL_MS = 10_000;

/** Default deadline of the sweeper's `LookupOrders` call (3 s). */
export const DEFAULT_ORDERS_TIMEOUT_MS = 3000;

/** Everything `start` needs. */
export interface StockConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`STOCK_GRPC_PORT`, default 50052; 0 picks a free one). */
  port: number;
  /** KV store path (`STOCK_KV_PATH`, default `<DATA_DIR>/stock.kv`). */
  kvPath: string;
  /**
   * A reservation no `order.created` confirmed this long after it was made is looked up in orders, and
   * released only if its order is cancelled or does not exist (`STOCK_RESERVATION_TTL_MS`, default
   * {@linkcode DEFAULT_RESERVATION_TTL_MS}, 1000 to 86400000).
   */
  reservationTtlMs?: number;
  /**
   * How often the sweeper looks for such reservations (`STOCK_SWEEP_INTERVAL_MS`, default
   * {@linkcode DEFAULT_SWEEP_INTERVAL_MS}, 10 to 3600000).
   */
  sweepIntervalMs?: number;
  /**
   * gRPC target of the orders service, asked by the sweeper (`ORDERS_ADDR`; default
   * `consul://<agent>/orders` with `CONSUL_HTTP_ADDR` set, else 127.0.0.1:50051; the latter when
   * omitted).
   */
  ordersAddr?: string;
  /** Deadline of Orders.LookupOrders (`ORDERS_TIMEOUT_MS`, default {@linkcode DEFAULT_ORDERS_TIMEOUT_MS}). */
  ordersTimeoutMs?: number;
  /** Broker and data settings shared by every service. */
  common: CommonConfig;
}

/** Reads and validates the configuration; throws a `ConfigError` naming a bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): StockConfig {
  const common = commonConfig(env);
  return {
    host: envString("GRPC_HOST", "127.0.0.1", env),
    port: envInt("STOCK_GRPC_PORT", DEFAULT_PORTS.stock, { min: 0, max: 65535 }, env),
    kvPath: storePath("stock", common.dataDir, env),
    reservationTtlMs: envInt("STOCK_RESERVATION_TTL_MS", DEFAULT_RESERVATION_TTL_MS, {
      min: 1000,
      max: 86_400_000,
    }, env),
    sweepIntervalMs: envInt(
      "STOCK_SWEEP_INTERVAL_MS",
      DEFAULT_SWEEP_INTERVAL_MS,
      { min: 10, max: 3_600_000 },
      env,
    ),
    ordersAddr: serviceAddr("orders", env),
    ordersTimeoutMs: envInt("ORDERS_TIMEOUT_MS", DEFAULT_ORDERS_TIMEOUT_MS, { min: 1, max: 600_000 }, env),
    common,
  };
}
