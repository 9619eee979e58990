/**
 * The gateway's configuration from environment variables, validated at start.
 *
 * Every variable web reads, its type, default and meaning, is declared once in its schema, `env.ts`
 * (README's configuration table is generated from it: `deno task config:docs`).
 *
 * @module
 */
import { ConfigError, serviceAddr } from "../services/common/config.ts";
import { parseEnv } from "../services/common/env/schema.ts";
import { adminPassword } from "./admin_password.ts";
import { WEB_ENV } from "./env.ts";

export { ConfigError };
export { isPlaceholderPassword, MIN_ADMIN_PASSWORD } from "./admin_password.ts";

/** Validated gateway settings. */
export interface WebConfig {
  /** Interface to listen on. */
  host: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** gRPC address of orders. */
  ordersAddr: string;
  /** gRPC address of stock. */
  stockAddr: string;
  /** gRPC address of payments. */
  paymentsAddr: string;
  /** gRPC address of kitchen. */
  kitchenAddr: string;
  /** Largest JSON request body in bytes. */
  maxBodyBytes: number;
  /** Largest webhook body in bytes. */
  webhookMaxBodyBytes: number;
  /** Deadline of each gRPC call in milliseconds. */
  rpcTimeoutMs: number;
  /** The first owner's name (`ADMIN_USER`, default `admin`). */
  adminUser?: string;
  /** The first owner's password, or null when unset (no owner is made). */
  adminPassword?: string | null;
  /** IPs/CIDRs of trusted reverse proxies (default none). */
  trustedProxies?: string[];
  /** The site's public URL, or null when unset. */
  publicUrl?: string | null;
  /** Deadline for receiving a whole request body, in ms (default 10000). */
  bodyTimeoutMs?: number;
  /** Requests slower than this (ms) are logged at warn, the others at debug (default 500). */
  slowRequestMs?: number;
  /** Things start should log as warnings (e.g. a weak admin password in development). */
  warnings?: string[];
  /** The deployment's service credential (`OMS_SERVICE_TOKEN`). */
  serviceToken: string;
  /** Folder of menu photos (`WEB_MEDIA_DIR`, default `<DATA_DIR>/media`). */
  mediaDir?: string;
}

/**
 * Reads the configuration from {@linkcode WEB_ENV}, the whole environment checked at once (the shop's
 * settings and the customer cookie's too); throws a {@linkcode ConfigError} listing every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): WebConfig {
  const e = parseEnv(WEB_ENV, env);
  const warnings: string[] = [];
  return {
    host: e.WEB_HOST,
    port: e.WEB_PORT,
    ordersAddr: serviceAddr("orders", env),
    stockAddr: serviceAddr("stock", env),
    paymentsAddr: serviceAddr("payments", env),
    kitchenAddr: serviceAddr("kitchen", env),
    maxBodyBytes: e.MAX_BODY_BYTES,
    webhookMaxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
    rpcTimeoutMs: e.RPC_TIMEOUT_MS,
    adminUser: e.ADMIN_USER.trim(),
    adminPassword: adminPassword(env, warnings), // checked by the schema's rule: only warnings here
    trustedProxies: e.WEB_TRUSTED_PROXIES ?? [],
    publicUrl: e.PUBLIC_URL ?? null,
    bodyTimeoutMs: e.WEB_BODY_TIMEOUT_MS,
    slowRequestMs: e.WEB_SLOW_REQUEST_MS,
    warnings,
    serviceToken: e.OMS_SERVICE_TOKEN,
    mediaDir: e.WEB_MEDIA_DIR ?? `${e.DATA_DIR}/media`,
  };
}
