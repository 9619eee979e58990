/**
 * Creating an npm:consul client for a Consul agent URL.
 *
 * @module
 */
import Consul from "consul";

/** The npm:consul client type. */
export type ConsulClient = InstanceType<typeof Consul>;

/** Options of {@linkcode createConsulClient}. */
export interface ConsulClientOptions {
  /** ACL token (default `CONSUL_HTTP_TOKEN`, as with Consul's own tools; none when unset). */
  token?: string;
  /** Deadline of each request in ms (default none; never set it on a client that makes blocking queries). */
  timeoutMs?: number;
}

/** A client of the agent at `consulUrl` (`http(s)://host:port`). */
export function createConsulClient(consulUrl: string, options: ConsulClientOptions = {}): ConsulClient {
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
