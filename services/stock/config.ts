/**
 * Stock's configuration from environment variables.
 *
 * @module
 */
import { type CommonConfig, commonConfig, DEFAULT_PORTS, envInt, envString } from "../common/config.ts";
import { storePath } from "../common/kv.ts";

/** How long a reservation may stay unconfirmed by its `order.created` before it is released (2 min). */
export const DEFAULT_RESERVATION_TTL_MS = 120_000;

/** How often unconfirmed reservations are swept by default (10 s). */
export const DEFAULT_SWEEP_INTERVAL_MS = 10_000;

/** Everything `start` needs. */
export interface StockConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`STOCK_GRPC_PORT`, default 50052; 0 picks a free one). */
  port: number;
  /** KV store path (`STOCK_KV_PATH`, default `<DATA_DIR>/stock.kv`). */
  kvPath: string;
  /**
   * A reservation no `order.created` confirmed this long after it was made is released
   * (`STOCK_RESERVATION_TTL_MS`, default {@linkcode DEFAULT_RESERVATION_TTL_MS}, 1000 to 86400000).
   */
  reservationTtlMs?: number;
  /**
   * How often the sweeper looks for such reservations (`STOCK_SWEEP_INTERVAL_MS`, default
   * {@linkcode DEFAULT_SWEEP_INTERVAL_MS}, 10 to 3600000).
   */
  sweepIntervalMs?: number;
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
    common,
  };
}
