/**
 * The gateway's configuration from environment variables, validated at start.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `WEB_HOST` | `127.0.0.1` | interface to listen on (`0.0.0.0` in containers) |
 * | `WEB_PORT` | `8080` | HTTP port (0 picks a free one) |
 * | `ORDERS_ADDR`, `STOCK_ADDR`, `PAYMENTS_ADDR`, `KITCHEN_ADDR` | `127.0.0.1:<dev port>` | gRPC peers |
 * | `CONSUL_HTTP_ADDR` | unset | when set, peers without an `_ADDR` are found through Consul (`consul://<agent>/<service>`) |
 * | `MAX_BODY_BYTES` | `16384` | largest JSON request body |
 * | `WEBHOOK_MAX_BODY_BYTES` | `262144` | largest provider webhook body |
 * | `RPC_TIMEOUT_MS` | `5000` | deadline of each gRPC call |
 * | `ADMIN_USER` | `admin` | name of the first owner account, made at start when no owner exists (letters, digits, `.`, `_`, `-`; at most 32 characters) |
 * | `ADMIN_PASSWORD` | unset | the first owner's password, used only to make that account when no owner exists (a restart never changes an existing account's password); with no owner and none set the admin is disabled (`deno task dev` makes one). Outside development it must be at least 12 characters and not a placeholder (`change-me...`), else web refuses to start; in development a placeholder is only a warning |
 * | `OMS_ENV` | `production` | `development` relaxes the admin password rule to a warning |
 * | `PUBLIC_URL` | unset | the site's public URL; `https://...` makes cookies `Secure` and adds HSTS on every answer |
 * | `WEB_TRUSTED_PROXIES` | none | comma-separated IPs/CIDRs of reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed |
 * | `WEB_BODY_TIMEOUT_MS` | `10000` | a request body not received in full within this time is answered 408 and the connection closed |
 * | `WEB_SLOW_REQUEST_MS` | `500` | a request slower than this is logged at warn (others at debug, so `LOG_LEVEL=debug` shows them) |
 * | `WEB_MEDIA_DIR` | `<DATA_DIR>/media` (`./data/media`) | folder of uploaded menu photos and their resized copies (`web/media/store.ts`); replicas on several hosts need it on a shared volume |
 * | `OMS_SERVICE_TOKEN` | required | the deployment's service credential (>= 32 characters), sent on every gRPC call and keying the staff claims |
 *
 * @module
 */
import {
  ConfigError,
  DEFAULT_PORTS,
  envInt,
  envServiceToken,
  envString,
  serviceAddr,
} from "../services/common/config.ts";
import { ipMatcher } from "./ip_matcher.ts";
import { mediaDirFromEnv } from "./media/store.ts";

export { ConfigError };

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

/** Shortest admin password accepted outside development. */
export const MIN_ADMIN_PASSWORD = 12;

/** True for the example passwords of compose.yaml and the README, which must never guard a real shop. */
export function isPlaceholderPassword(value: string): boolean {
  const v = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  return v.startsWith("changeme") || v === "pickalongone" || v === "password" || v === "admin";
}

const ADDR = /^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$|^(dns|unix|ipv4|ipv6|consul):.+$/;

function addr(
  service: "orders" | "stock" | "payments" | "kitchen",
  env: Record<string, string | undefined>,
): string {
  const value = serviceAddr(service, env);
  const name = `${service.toUpperCase()}_ADDR`;
  if (!ADDR.test(value)) {
    throw new ConfigError(name, `${name} must be host:port, got "${value}"`);
  }
  const port = Number(value.slice(value.lastIndexOf(":") + 1));
  if (/:\d+$/.test(value) && (port < 1 || port > 65535)) {
    throw new ConfigError(name, `${name} port must be from 1 to 65535, got "${value}"`);
  }
  return value;
}

function adminPassword(env: Record<string, string | undefined>, warnings: string[]): string | null {
  const value = env.ADMIN_PASSWORD;
  if (value === undefined || value === "") return null;
  if (value.length > 256) {
    throw new ConfigError(
      "ADMIN_PASSWORD",
      `ADMIN_PASSWORD must be at most 256 characters, got ${value.length}`,
    );
  }
  const problem = isPlaceholderPassword(value)
    ? "is a placeholder from the examples"
    : value.length < MIN_ADMIN_PASSWORD
    ? `is ${value.length} characters; use at least ${MIN_ADMIN_PASSWORD}`
    : null;
  if (problem === null) return value;
  if (env.OMS_ENV !== "development") {
    throw new ConfigError(
      "ADMIN_PASSWORD",
      `ADMIN_PASSWORD ${problem} (refused outside development: OMS_ENV is ${
        env.OMS_ENV ? `"${env.OMS_ENV}"` : "unset, which means production"
      }). Set a long random password, e.g. \`openssl rand -base64 24\``,
    );
  }
  warnings.push(`ADMIN_PASSWORD ${problem}; accepted only because OMS_ENV=development`);
  return value;
}

function adminUser(env: Record<string, string | undefined>): string {
  const value = envString("ADMIN_USER", "admin", env).trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(value)) {
    throw new ConfigError(
      "ADMIN_USER",
      `ADMIN_USER must be 1 to 32 letters, digits, ".", "_" or "-" starting with a letter or digit, got "${value}"`,
    );
  }
  return value;
}

function trustedProxies(env: Record<string, string | undefined>): string[] {
  const rules = (env.WEB_TRUSTED_PROXIES ?? "").split(",").map((r) => r.trim()).filter(Boolean);
  try {
    ipMatcher(rules);
  } catch (err) {
    throw new ConfigError(
      "WEB_TRUSTED_PROXIES",
      `WEB_TRUSTED_PROXIES must list IP addresses or CIDR ranges separated by commas: ${
        (err as Error).message
      }`,
    );
  }
  return rules;
}

function publicUrl(env: Record<string, string | undefined>): string | null {
  const value = env.PUBLIC_URL;
  if (value === undefined || value === "") return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigError("PUBLIC_URL", `PUBLIC_URL must be an http:// or https:// URL, got "${value}"`);
  }
  return value;
}

/** Reads and validates the configuration; throws {@linkcode ConfigError} naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): WebConfig {
  const host = envString("WEB_HOST", "127.0.0.1", env);
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) {
    throw new ConfigError("WEB_HOST", `WEB_HOST must be a host name or IP address, got "${host}"`);
  }
  const warnings: string[] = [];
  return {
    host,
    port: envInt("WEB_PORT", DEFAULT_PORTS.web, { min: 0, max: 65535 }, env),
    ordersAddr: addr("orders", env),
    stockAddr: addr("stock", env),
    paymentsAddr: addr("payments", env),
    kitchenAddr: addr("kitchen", env),
    maxBodyBytes: envInt("MAX_BODY_BYTES", 16384, { min: 64, max: 16 * 1024 * 1024 }, env),
    webhookMaxBodyBytes: envInt("WEBHOOK_MAX_BODY_BYTES", 262144, { min: 1024, max: 16 * 1024 * 1024 }, env),
    rpcTimeoutMs: envInt("RPC_TIMEOUT_MS", 5000, { min: 100, max: 120_000 }, env),
    adminUser: adminUser(env),
    adminPassword: adminPassword(env, warnings),
    trustedProxies: trustedProxies(env),
    publicUrl: publicUrl(env),
    bodyTimeoutMs: envInt("WEB_BODY_TIMEOUT_MS", 10_000, { min: 100, max: 600_000 }, env),
    slowRequestMs: envInt("WEB_SLOW_REQUEST_MS", 500, { min: 0, max: 600_000 }, env),
    warnings,
    serviceToken: envServiceToken(env),
    mediaDir: mediaDirFromEnv(env),
  };
}
