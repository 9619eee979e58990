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
 * | `ADMIN_PASSWORD` | unset | password of the admin pages; unset disables the admin (`deno task dev` makes one) |
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
  /** The admin password, or null when unset (the admin pages then say it is disabled). */
  adminPassword?: string | null;
  /** The deployment's service credential (`OMS_SERVICE_TOKEN`). */
  serviceToken: string;
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

function adminPassword(env: Record<string, string | undefined>): string | null {
  const value = env.ADMIN_PASSWORD;
  if (value === undefined || value === "") return null;
  if (value.length < 8) {
    throw new ConfigError(
      "ADMIN_PASSWORD",
      `ADMIN_PASSWORD must be at least 8 characters, got ${value.length}`,
    );
  }
  if (value.length > 256) {
    throw new ConfigError(
      "ADMIN_PASSWORD",
      `ADMIN_PASSWORD must be at most 256 characters, got ${value.length}`,
    );
  }
  return value;
}

/** Reads and validates the configuration; throws {@linkcode ConfigError} naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): WebConfig {
  const host = envString("WEB_HOST", "127.0.0.1", env);
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) {
    throw new ConfigError("WEB_HOST", `WEB_HOST must be a host name or IP address, got "${host}"`);
  }
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
    adminPassword: adminPassword(env),
    serviceToken: envServiceToken(env),
  };
}
