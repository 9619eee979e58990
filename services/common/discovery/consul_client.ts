/**
 * Creating an npm:consul client for a Consul agent URL.
 *
 * npm:consul is imported dynamically, on the first client made: a process with static addresses (no
 * `CONSUL_HTTP_ADDR`, no `consul://` target) never loads it.
 *
 * @module
 */
import type Consul from "consul";

/** The npm:consul client type. */
export type ConsulClient = InstanceType<typeof Consul>;

let loading: Promise<typeof Consul> | undefined;

/** npm:consul's client class, imported once, when first needed. */
function consulClass(): Promise<typeof Consul> {
  loading ??= import("consul").then((m) => m.default);
  return loading;
}

/** Options of {@linkcode createConsulClient}. */
export interface ConsulClientOptions {
  /** ACL token (default `CONSUL_HTTP_TOKEN`, as with Consul's own tools; none when unset). */
  token?: string;
  /** Deadline of each request in ms (default none; never set it on a client that makes blocking queries). */
  timeoutMs?: number;
}

/** A client of the agent at `consulUrl` (`http(s)://host:port`); loads npm:consul the first time. */
export async function createConsulClient(
  consulUrl: string,
  options: ConsulClientOptions = {},
): Promise<ConsulClient> {
  const Consul = await consulClass();
  const url = new URL(consulUrl);
  const secure = url.protocol === "https:";
  const token = options.token ?? envToken();
  // npm:consul takes `timeout` among its defaults (lib/constants.js) but its typings omit it
  const defaults: Record<string, unknown> = {};
  if (token) defaults.token = token;
  if (options.timeoutMs !== undefined) defaults.timeout = options.timeoutMs;
  return new Consul({
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    secure,
    ...(Object.keys(defaults).length > 0 ? { defaults: defaults as { token?: string } } : {}),
  });
}

function envToken(): string | undefined {
  try {
    return Deno.env.get("CONSUL_HTTP_TOKEN") || undefined;
  } catch {
    return undefined; // no env permission: no token
  }
}

/** A short, log-friendly description of a failed Consul call (`ECONNREFUSED`, `HTTP 500 ...`). */
export function describeConsulError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: string; statusCode?: number; response?: { statusCode?: number } };
  const status = e.statusCode ?? e.response?.statusCode;
  if (status) return `HTTP ${status}: ${e.message}`;
  return e.code ? `${e.code}: ${e.message}` : e.message;
}
