/**
 * Stock's configuration from environment variables.
 *
 * @module
 */
import { storePath } from "../common/kv.ts";
import { type CommonConfig, commonConfig, serviceAddr } from "../common/config.ts";
import { parseEnv } from "../common/env/schema.ts";
import { STOCK_ENV } from "./env.ts";

/**
 * How long a reservation may stay open (neither sold nor released) before the sweeper asks orders
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
  /** Connect port (`STOCK_CONNECT_PORT`; unset: gRPC only). */
  connectPort?: number;
  /** KV store path (`STOCK_KV_PATH`, default `<DATA_DIR>/stock.kv`). */
  kvPath: string;
  /**
   * A reservation still open and unconfirmed this long after it was made is looked up in orders, and
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

/**
 * Reads the configuration from {@linkcode STOCK_ENV}, the whole environment checked at once; throws a
 * `ConfigError` listing every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): StockConfig {
  const e = parseEnv(STOCK_ENV, env);
  return {
    host: e.GRPC_HOST,
    port: e.STOCK_GRPC_PORT,
    ...(e.STOCK_CONNECT_PORT === undefined ? {} : { connectPort: e.STOCK_CONNECT_PORT }),
    kvPath: storePath("stock", e.DATA_DIR, env),
    reservationTtlMs: e.STOCK_RESERVATION_TTL_MS,
    sweepIntervalMs: e.STOCK_SWEEP_INTERVAL_MS,
    ordersAddr: serviceAddr("orders", env),
    ordersTimeoutMs: e.ORDERS_TIMEOUT_MS,
    common: commonConfig(env),
  };
}
