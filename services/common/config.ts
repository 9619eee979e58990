/**
 * Configuration from environment variables, validated at start with a clear message.
 *
 * @module
 */

/** Thrown when an environment variable holds a value the service cannot use. */
export class ConfigError extends Error {
  /** Creates the error for variable `name`. */
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Reads a string variable, or `fallback` when unset or empty. */
export function envString(
  name: string,
  fallback: string,
  env: Record<string, string | undefined> = readEnv(),
): string {
  const v = env[name];
  return v === undefined || v === "" ? fallback : v;
}

/** Reads an integer variable within `[min, max]`, or `fallback` when unset. */
export function envInt(
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
  env: Record<string, string | undefined> = readEnv(),
): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `${name} must be an integer from ${min} to ${max}, got "${v}"`);
  }
  return n;
}

/** Reads a boolean variable (`1/true/yes/on` or `0/false/no/off`), or `fallback` when unset. */
export function envBool(
  name: string,
  fallback: boolean,
  env: Record<string, string | undefined> = readEnv(),
): boolean {
  const v = env[name]?.toLowerCase();
  if (v === undefined || v === "") return fallback;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ConfigError(name, `${name} must be true or false, got "${env[name]}"`);
}

function readEnv(): Record<string, string | undefined> {
  return Deno.env.toObject();
}

/** Settings every service shares. */
export interface CommonConfig {
  /** AMQP URL of the broker. */
  amqpUrl: string;
  /** Name of the durable topic exchange. */
  exchange: string;
  /** Prefix of every queue name (tests use a unique one per run). */
  queuePrefix: string;
  /** Folder for KV files when a store path is not given. */
  dataDir: string;
  /** Delays before each retry of a failed message; after the last one it is parked. */
  retryDelaysMs: number[];
  /** Delay before the outbox relay's first pass (0; a fault-injection knob for crash tests). */
  relayStartDelayMs?: number;
}

/** Reads the settings every service shares. */
export function commonConfig(env: Record<string, string | undefined> = readEnv()): CommonConfig {
  const amqpUrl = envString("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672", env);
  if (!/^amqps?:\/\//.test(amqpUrl) && amqpUrl !== "memory") {
    throw new ConfigError("AMQP_URL", `AMQP_URL must start with amqp:// or amqps://, got "${amqpUrl}"`);
  }
  return {
    amqpUrl,
    exchange: envString("OMS_EXCHANGE", "oms.events", env),
    queuePrefix: envString("OMS_QUEUE_PREFIX", "oms", env),
    dataDir: envString("DATA_DIR", "./data", env),
    retryDelaysMs: parseDelays(envString("OMS_RETRY_DELAYS_MS", "1000,5000,25000", env)),
    relayStartDelayMs: envInt("OMS_RELAY_START_DELAY_MS", 0, { max: 3_600_000 }, env),
  };
}

function parseDelays(raw: string): number[] {
  const parts = raw.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const delays = parts.map(Number);
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 1 || d > 86_400_000)) {
    throw new ConfigError(
      "OMS_RETRY_DELAYS_MS",
      `OMS_RETRY_DELAYS_MS must be a comma-separated list of delays in ms (1 to 86400000), got "${raw}"`,
    );
  }
  return delays;
}

/** Default gRPC addresses of the services in dev (static discovery). */
export const DEFAULT_PORTS = {
  orders: 50051,
  stock: 50052,
  payments: 50053,
  kitchen: 50054,
  web: 8080,
} as const;

/** A service name. */
export type ServiceName = "orders" | "stock" | "payments" | "kitchen";

/** The address of `service` from `<SERVICE>_ADDR`, defaulting to its dev port on 127.0.0.1. */
export function serviceAddr(
  service: ServiceName,
  env: Record<string, string | undefined> = readEnv(),
): string {
  return envString(`${service.toUpperCase()}_ADDR`, `127.0.0.1:${DEFAULT_PORTS[service]}`, env);
}
