/**
 * Kitchen's configuration from environment variables.
 *
 * @module
 */
import { storePath } from "../common/kv.ts";
import { type CommonConfig, commonConfig } from "../common/config.ts";
import { parseEnv } from "../common/env/schema.ts";
import { KITCHEN_ENV } from "./env.ts";

/** Everything `start` needs. */
export interface KitchenConfig {
  /** Interface to bind (`GRPC_HOST`, default 127.0.0.1). */
  host: string;
  /** gRPC port (`KITCHEN_GRPC_PORT`, default 50054; 0 picks a free one). */
  port: number;
  /** Connect port (`KITCHEN_CONNECT_PORT`; unset: gRPC only). */
  connectPort?: number;
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

/**
 * Reads the configuration from {@linkcode KITCHEN_ENV}, the whole environment checked at once; throws a
 * `ConfigError` listing every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): KitchenConfig {
  const e = parseEnv(KITCHEN_ENV, env);
  return {
    host: e.GRPC_HOST,
    port: e.KITCHEN_GRPC_PORT,
    ...(e.KITCHEN_CONNECT_PORT === undefined ? {} : { connectPort: e.KITCHEN_CONNECT_PORT }),
    kvPath: storePath("kitchen", e.DATA_DIR, env),
    autoPrep: e.KITCHEN_AUTO_PREP,
    prepMs: e.KITCHEN_PREP_MS,
    undoMs: e.KITCHEN_UNDO_SECONDS * 1000,
    recallMs: e.KITCHEN_RECALL_MINUTES * 60_000,
    common: commonConfig(env),
  };
}
