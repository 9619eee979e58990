/**
 * Kitchen's configuration from environment variables.
 *
 * @module
 */
import {
  type CommonConfig,
  commonConfig,
  DEFAULT_PORTS,
  envBool,
  envInt,
  envString,
} from "../common/config.ts";
import { storePath } from "../common/kv.ts";

/** Everything `start` needs. */
export interface KitchenConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`KITCHEN_GRPC_PORT`, default 50054; 0 picks a free one). */
  port: number;
  /** KV store path (`KITCHEN_KV_PATH`, default `<DATA_DIR>/kitchen.kv`). */
  kvPath: string;
  /** Whether the auto-prep timer runs (`KITCHEN_AUTO_PREP`, default false). */
  autoPrep: boolean;
  /** Time queued -> preparing and preparing -> ready under auto-prep (`KITCHEN_PREP_MS`, default 3000). */
  prepMs: number;
  /** How long a start or bump can be undone (`KITCHEN_UNDO_SECONDS`, default 10), in milliseconds (absent: 10 s). */
  undoMs?: number;
  /** How long a bumped ticket can be recalled (`KITCHEN_RECALL_MINUTES`, default 30), in milliseconds (absent: 30 min). */
  recallMs?: number;
  /** Broker and data settings shared by every service. */
  common: CommonConfig;
}

/** Reads and validates the configuration; throws a `ConfigError` naming a bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): KitchenConfig {
  const common = commonConfig(env);
  return {
    host: envString("GRPC_HOST", "127.0.0.1", env),
    port: envInt("KITCHEN_GRPC_PORT", DEFAULT_PORTS.kitchen, { min: 0, max: 65535 }, env),
    kvPath: storePath("kitchen", common.dataDir, env),
    autoPrep: envBool("KITCHEN_AUTO_PREP", false, env),
    prepMs: envInt("KITCHEN_PREP_MS", 3000, { min: 0, max: 3_600_000 }, env),
    undoMs: envInt("KITCHEN_UNDO_SECONDS", 10, { min: 1, max: 600 }, env) * 1000,
    recallMs: envInt("KITCHEN_RECALL_MINUTES", 30, { min: 1, max: 24 * 60 }, env) * 60_000,
    common,
  };
}
