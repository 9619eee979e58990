/**
 * Stock's configuration from environment variables.
 *
 * @module
 */
import { type CommonConfig, commonConfig, DEFAULT_PORTS, envInt, envString } from "../common/config.ts";
import { storePath } from "../common/kv.ts";

/** Everything `start` needs. */
export interface StockConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`STOCK_GRPC_PORT`, default 50052; 0 picks a free one). */
  port: number;
  /** KV store path (`STOCK_KV_PATH`, default `<DATA_DIR>/stock.kv`). */
  kvPath: string;
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
    common,
  };
}
