/**
 * Configuration from environment variables, validated at start with a clear message.
 *
 * @module
 */
import { SERVICE_TOKEN_VAR, serviceTokenProblem } from "./auth/service_token.ts";
import { AmqpUrlError, parseAmqpUrls } from "./amqp_urls.ts";

/** One thing wrong with the environment: the variable and a sentence saying why. */
export interface ConfigProblem {
  /** The variable at fault. */
  variable: string;
  /** What is wrong, starting with the variable's name (a secret's value is never shown). */
  message: string;
}

/**
 * Thrown when environment variables hold values the service cannot use. It carries every problem found
 * (`problems`); `variable` is the first one's variable and the message lists them all.
 */
export class ConfigError extends Error {
  /** Every problem found, in the order the schema lists its variables (one when thrown by a helper). */
  readonly problems: readonly ConfigProblem[];

  /** Creates the error for variable `name`, or for the list `problems` when given. */
  constructor(readonly variable: string, message: string, problems?: readonly ConfigProblem[]) {
    super(message);
    this.name = "ConfigError";
    this.problems = problems ?? [{ variable, message }];
  }

  /** One error listing all of `problems` (at least one): a single one as its own message. */
  static of(problems: readonly ConfigProblem[]): ConfigError {
    const [first] = problems;
    if (!first) throw new Error("ConfigError.of needs at least one problem");
    const message = problems.length === 1
      ? first.message
      : `${problems.length} problems in the environment:\n${
        problems.map((p) => `  - ${p.message}`).join("\n")
      }`;
    return new ConfigError(first.variable, message, problems);
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

/**
 * Reads the deployment's service credential (`OMS_SERVICE_TOKEN`); throws a {@linkcode ConfigError}
 * when it is unset or unusable (the message never shows the value).
 */
export function envServiceToken(env: Record<string, string | undefined> = readEnv()): string {
  const value = env.OMS_SERVICE_TOKEN; // spelled out so tools that scan for variable reads find it
  const problem = serviceTokenProblem(value);
  if (problem) throw new ConfigError(SERVICE_TOKEN_VAR, problem);
  return value!;
}

function readEnv(): Record<string, string | undefined> {
  return Deno.env.toObject();
}

/** Settings every service shares. */
export interface CommonConfig {
  /**
   * AMQP URL of the broker: one node, or a cluster's nodes comma-separated (`amqp_urls.ts`), or `memory`.
   */
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
  /** Consul discovery (registration on start), or undefined for static addresses. */
  discovery?: DiscoveryConfig;
  /** Prefix of the services' broker users, `<prefix><service>` (`OMS_BROKER_USER_PREFIX`, default `oms-`). */
  brokerUserPrefix?: string;
  /** Per-service AMQP URLs (`<SERVICE>_AMQP_URL`), for several services in one process; else `amqpUrl`. */
  amqpUrls?: Partial<Record<ServiceName, string>>;
  /** The deployment's service credential (`OMS_SERVICE_TOKEN`, required, >= 32 characters). */
  serviceToken: string;
  /** Type of the service, retry and dead-letter queues (`OMS_QUEUE_TYPE`, default quorum). */
  queueType?: "quorum" | "classic";
  /** Unacknowledged deliveries of a message before a quorum queue dead-letters it (`OMS_DELIVERY_LIMIT`). */
  deliveryLimit?: number;
}

/** The retry delays of a delivery that failed, when `OMS_RETRY_DELAYS_MS` is not set. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 25000];

/** Reads the settings every service shares. */
export function commonConfig(env: Record<string, string | undefined> = readEnv()): CommonConfig {
  const amqpUrl = envString("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672", env);
  if (amqpUrl !== "memory") checkAmqpUrls(amqpUrl, "AMQP_URL");
  return {
    amqpUrl,
    exchange: envString("OMS_EXCHANGE", "oms.events", env),
    queuePrefix: envString("OMS_QUEUE_PREFIX", "oms", env),
    dataDir: envString("DATA_DIR", "./data", env),
    retryDelaysMs: parseDelays(envString("OMS_RETRY_DELAYS_MS", DEFAULT_RETRY_DELAYS_MS.join(","), env)),
    relayStartDelayMs: envInt("OMS_RELAY_START_DELAY_MS", 0, { max: 3_600_000 }, env),
    ...withDiscovery(env),
    serviceToken: envServiceToken(env),
    ...brokerUsers(env),
    ...queueSettings(env),
  };
}

/** Throws a {@linkcode ConfigError} on `variable` when `raw` is not one AMQP URL or a list of them. */
function checkAmqpUrls(raw: string, variable: string): void {
  try {
    parseAmqpUrls(raw, variable);
  } catch (err) {
    if (err instanceof AmqpUrlError) throw new ConfigError(variable, err.message);
    throw err;
  }
}

/** `OMS_QUEUE_TYPE` (quorum | classic, default quorum) and `OMS_DELIVERY_LIMIT` (default 20). */
function queueSettings(
  env: Record<string, string | undefined>,
): Required<Pick<CommonConfig, "queueType" | "deliveryLimit">> {
  const queueType = envString("OMS_QUEUE_TYPE", "quorum", env);
  if (queueType !== "quorum" && queueType !== "classic") {
    throw new ConfigError("OMS_QUEUE_TYPE", `OMS_QUEUE_TYPE must be quorum or classic, got "${queueType}"`);
  }
  return { queueType, deliveryLimit: envInt("OMS_DELIVERY_LIMIT", 20, { min: 1, max: 1000 }, env) };
}

function brokerUsers(
  env: Record<string, string | undefined>,
): Pick<CommonConfig, "brokerUserPrefix" | "amqpUrls"> {
  const amqpUrls: Partial<Record<ServiceName, string>> = {};
  for (const service of ["orders", "stock", "payments", "kitchen"] as const) {
    const name = `${service.toUpperCase()}_AMQP_URL`;
    const url = envString(name, "", env);
    if (url === "") continue;
    checkAmqpUrls(url, name);
    amqpUrls[service] = url;
  }
  return {
    brokerUserPrefix: envString("OMS_BROKER_USER_PREFIX", "oms-", env),
    ...(Object.keys(amqpUrls).length > 0 ? { amqpUrls } : {}),
  };
}

function withDiscovery(env: Record<string, string | undefined>): { discovery?: DiscoveryConfig } {
  const discovery = discoveryConfig(env);
  return discovery ? { discovery } : {};
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

/**
 * The gRPC target of `service`: `<SERVICE>_ADDR` when set; else, with `CONSUL_HTTP_ADDR` set, a
 * `consul://<agent>/<service>` target resolved through Consul's health API; else its dev port on
 * 127.0.0.1 (static discovery).
 */
export function serviceAddr(
  service: ServiceName,
  env: Record<string, string | undefined> = readEnv(),
): string {
  const discovery = discoveryConfig(env);
  const fallback = discovery ? consulTarget(service, discovery) : `127.0.0.1:${DEFAULT_PORTS[service]}`;
  return envString(`${service.toUpperCase()}_ADDR`, fallback, env);
}

/** Consul discovery settings; present only when `CONSUL_HTTP_ADDR` is set. */
export interface DiscoveryConfig {
  /** Base URL of the Consul agent's HTTP API (`CONSUL_HTTP_ADDR`, e.g. `http://127.0.0.1:8500`). */
  consulUrl: string;
  /** Address other processes (and Consul's checks) reach this one at (`SERVICE_ADVERTISE_ADDR`). */
  advertiseAddr?: string;
  /** Version put in the registration's meta (`SERVICE_VERSION`, default the package version). */
  version: string;
  /** How often Consul runs the gRPC health check (`CONSUL_CHECK_INTERVAL`, default `3s`). */
  checkInterval: string;
  /** Deadline of one gRPC health check (`CONSUL_CHECK_TIMEOUT`, default `2s`). */
  checkTimeout: string;
  /** Consul removes an instance critical this long (`CONSUL_DEREGISTER_CRITICAL_AFTER`, default `1m`). */
  deregisterCriticalAfter: string;
  /** How often a service checks that Consul still knows it (`CONSUL_SYNC_INTERVAL_MS`, default 10000). */
  syncIntervalMs: number;
  /** Longest blocking query of a client's resolver (`CONSUL_WATCH_WAIT`, default `30s`). */
  watchWait: string;
  /**
   * How peers found through Consul are called (`CONSUL_RPC_TRANSPORT`, default `grpc`): `connect` calls
   * each instance's advertised Connect port (`connect/consul_channel.ts`).
   */
  transport?: "grpc" | "connect";
}

/** The default {@linkcode DiscoveryConfig.version}. */
export const DEFAULT_SERVICE_VERSION = "0.1.0";

const DURATION = /^\d+(ms|s|m|h)$/;

function envDuration(name: string, fallback: string, env: Record<string, string | undefined>): string {
  const v = envString(name, fallback, env);
  if (!DURATION.test(v) || /^0+[a-z]+$/.test(v)) {
    throw new ConfigError(name, `${name} must be a duration such as 500ms, 3s or 1m, got "${v}"`);
  }
  return v;
}

/**
 * Reads the Consul discovery settings, or undefined when `CONSUL_HTTP_ADDR` is unset (static
 * addresses). `CONSUL_HTTP_ADDR` takes `host:port` (http, or https with `CONSUL_HTTP_SSL=true`) or a
 * full `http(s)://host:port` URL, as Consul's own tools do.
 */
export function discoveryConfig(
  env: Record<string, string | undefined> = readEnv(),
): DiscoveryConfig | undefined {
  const raw = envString("CONSUL_HTTP_ADDR", "", env);
  if (raw === "") return undefined;
  const scheme = envBool("CONSUL_HTTP_SSL", false, env) ? "https" : "http";
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `${scheme}://${raw}`);
  } catch {
    throw new ConfigError(
      "CONSUL_HTTP_ADDR",
      `CONSUL_HTTP_ADDR must be host:port or an http(s) URL, got "${raw}"`,
    );
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new ConfigError(
      "CONSUL_HTTP_ADDR",
      `CONSUL_HTTP_ADDR must be host:port or an http(s) URL, got "${raw}"`,
    );
  }
  const transport = envString("CONSUL_RPC_TRANSPORT", "grpc", env);
  if (transport !== "grpc" && transport !== "connect") {
    throw new ConfigError(
      "CONSUL_RPC_TRANSPORT",
      `CONSUL_RPC_TRANSPORT must be grpc or connect, got "${transport}"`,
    );
  }
  const advertiseAddr = envString("SERVICE_ADVERTISE_ADDR", "", env);
  if (advertiseAddr !== "" && !/^[A-Za-z0-9._:-]+$/.test(advertiseAddr)) {
    throw new ConfigError(
      "SERVICE_ADVERTISE_ADDR",
      `SERVICE_ADVERTISE_ADDR must be a host name or IP address, got "${advertiseAddr}"`,
    );
  }
  return {
    consulUrl: `${url.protocol}//${url.host}`,
    ...(advertiseAddr ? { advertiseAddr } : {}),
    version: envString("SERVICE_VERSION", DEFAULT_SERVICE_VERSION, env),
    checkInterval: envDuration("CONSUL_CHECK_INTERVAL", "3s", env),
    checkTimeout: envDuration("CONSUL_CHECK_TIMEOUT", "2s", env),
    deregisterCriticalAfter: envDuration("CONSUL_DEREGISTER_CRITICAL_AFTER", "1m", env),
    syncIntervalMs: envInt("CONSUL_SYNC_INTERVAL_MS", 10_000, { min: 100, max: 3_600_000 }, env),
    watchWait: envDuration("CONSUL_WATCH_WAIT", "30s", env),
    ...(transport === "connect" ? { transport } : {}),
  };
}

/**
 * The gRPC target that resolves `service` through the Consul agent of `discovery`:
 * `consul://<agent host:port>/<service>`, with `?https` and `?wait=` only when they differ from the
 * defaults. See `discovery/consul_resolver.ts`.
 */
export function consulTarget(
  service: string,
  discovery: Pick<DiscoveryConfig, "consulUrl" | "watchWait" | "transport">,
): string {
  const url = new URL(discovery.consulUrl);
  const query = new URLSearchParams();
  if (url.protocol === "https:") query.set("https", "1");
  if (discovery.watchWait !== "30s") query.set("wait", discovery.watchWait);
  if (discovery.transport === "connect") query.set("transport", "connect");
  const q = query.size > 0 ? `?${query}` : "";
  return `consul://${url.host}/${service}${q}`;
}
