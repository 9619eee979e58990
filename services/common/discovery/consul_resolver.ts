/**
 * A grpc-js name resolver for `consul://<agent host:port>/<service>` targets.
 *
 * It watches Consul's health API for the service's passing instances
 * (`GET /v1/health/service/<service>?passing=true`) with blocking queries (`index` + `wait`, through
 * npm:consul's `Watch`, which also retries with backoff) and hands every new answer to grpc-js,
 * together with a service config that selects the built-in `round_robin` policy. grpc-js then keeps
 * one subchannel (one HTTP/2 connection) per instance, spreads calls over the ready ones, and drops an
 * instance as soon as Consul stops listing it (deregistered, or its check turned critical) or its
 * connection fails. Call sites do not change: `connect(StockServiceClient, "consul://consul:8500/stock")`.
 *
 * Failure behaviour:
 * - Consul unreachable before any answer: calls fail at once with UNAVAILABLE naming Consul; the watch
 *   retries with backoff and logs once per outage (and again when Consul answers).
 * - Consul unreachable after an answer: the last known instances keep serving (round_robin keeps
 *   them on a resolution error).
 * - Zero passing instances: calls fail with `RpcError("unavailable", "No healthy <service> instances in
 *   Consul")` (the gateway answers 503 with that message).
 *
 * Target query parameters: `wait` (longest blocking query, default `30s`), `https` (talk TLS to the agent).
 *
 * @module
 */
import { type ChannelOptions, experimental, Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { RpcError } from "../errors.ts";
import { createLogger, type Logger } from "../log.ts";
import { type ConsulClient, createConsulClient, describeConsulError } from "./consul_client.ts";
import { CONNECT_PORT_META } from "./registration.ts";

/** The URI scheme this resolver handles. */
export const CONSUL_SCHEME = "consul";

/** The service config every Consul target gets: round robin over the resolved instances. */
export const ROUND_ROBIN_SERVICE_CONFIG = { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [] };

type GrpcUri = Parameters<typeof experimental.uriToString>[0];
type Listener = experimental.ResolverListener;
type Endpoint = experimental.Endpoint;
type ServiceConfigResult = Parameters<Listener>[2];

/** A parsed Consul target. */
export interface ConsulTargetParts {
  /** The agent's base URL, e.g. `http://127.0.0.1:8500`. */
  consulUrl: string;
  /** The service name to resolve. */
  service: string;
  /** Longest blocking query, a Consul duration such as `30s`. */
  wait: string;
  /** Which port of each instance the target means: gRPC's (default) or Connect's (`transport=connect`). */
  transport: "grpc" | "connect";
}

/** Parses the parts of a `consul://host:port/service[?wait=..&https=1]` target; throws a clear error. */
export function parseConsulTarget(target: GrpcUri): ConsulTargetParts {
  const text = experimental.uriToString(target);
  const [path = "", query = ""] = target.path.split("?", 2);
  const service = path.replace(/^\/+/, "");
  if (!target.authority || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(service)) {
    throw new Error(`Consul target must be consul://<agent host:port>/<service>, got "${text}"`);
  }
  const params = new URLSearchParams(query);
  const wait = params.get("wait") ?? "30s";
  if (!/^\d+(ms|s|m)$/.test(wait)) {
    throw new Error(`Consul target wait must be a duration such as 30s, got "${text}"`);
  }
  const https = params.has("https") && params.get("https") !== "0";
  const transport = params.get("transport") ?? "grpc";
  if (transport !== "grpc" && transport !== "connect") {
    throw new Error(`Consul target transport must be grpc or connect, got "${text}"`);
  }
  return { consulUrl: `${https ? "https" : "http"}://${target.authority}`, service, wait, transport };
}

/** One entry of `GET /v1/health/service/<name>` (the fields used here). */
interface HealthEntry {
  Node?: { Address?: string };
  Service?: { ID?: string; Address?: string; Port?: number; Meta?: Record<string, string> };
}

/**
 * The endpoints (`address:port`, deduplicated, in Consul's order) of a health answer: each instance's
 * gRPC port, or with `transport` "connect" its Connect port (the `connect_port` meta; an instance
 * without one is left out).
 */
export function endpointsOf(entries: unknown, transport: "grpc" | "connect" = "grpc"): Endpoint[] {
  const seen = new Set<string>();
  const out: Endpoint[] = [];
  for (const e of Array.isArray(entries) ? entries as HealthEntry[] : []) {
    const host = e.Service?.Address || e.Node?.Address;
    const port = transport === "grpc" ? e.Service?.Port : connectPortOf(e.Service?.Meta);
    if (!host || !port) continue;
    const key = `${host}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ addresses: [{ host: host.replace(/^\[(.*)\]$/, "$1"), port }] });
  }
  return out;
}

/** The Connect port an instance advertises, or undefined. */
function connectPortOf(meta: Record<string, string> | undefined): number | undefined {
  const raw = meta?.[CONNECT_PORT_META];
  if (!raw || !/^\d{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
}

let defaultLog: Logger | undefined;

/** Sets the logger resolvers use (default: a `discovery` JSON logger). */
export function setResolverLogger(log: Logger): void {
  defaultLog = log;
}

type Watch = ReturnType<ConsulClient["watch"]>;

/** The grpc-js resolver of `consul:` targets (register with {@linkcode registerConsulResolver}). */
export class ConsulResolver implements experimental.Resolver {
  #target: GrpcUri;
  #listener: Listener;
  #parts: ConsulTargetParts | Error;
  #consul?: ConsulClient;
  #watch?: Watch;
  #restart?: ReturnType<typeof setTimeout>;
  #active = false;
  /** Bumped by `destroy`, so a client still loading for an earlier activation is dropped. */
  #generation = 0;
  #answered = false;
  #outage = false;
  #log: Logger;

  /** Called by grpc-js when a channel for a `consul:` target is created. */
  constructor(target: GrpcUri, listener: Listener, _options: ChannelOptions) {
    this.#target = target;
    this.#listener = listener;
    this.#log = defaultLog ?? createLogger("discovery");
    try {
      this.#parts = parseConsulTarget(target);
    } catch (err) {
      this.#parts = err as Error;
    }
  }

  /** grpc-js asks for the authority of the target; the service name is the natural one. */
  static getDefaultAuthority(target: GrpcUri): string {
    return parseConsulTarget(target).service;
  }

  /**
   * Starts watching (first call, or after `destroy`). While the watch runs every change already
   * arrives through the blocking query, so later calls have nothing to do.
   */
  updateResolution(): void {
    if (this.#active) return;
    this.#active = true;
    if (this.#parts instanceof Error) {
      const message = this.#parts.message;
      queueMicrotask(() => this.#active && this.#fail(GrpcStatus.INVALID_ARGUMENT, message));
      return;
    }
    this.#begin(this.#parts);
  }

  /** Stops watching and releases the HTTP connection to Consul. */
  destroy(): void {
    this.#active = false;
    this.#generation += 1;
    clearTimeout(this.#restart);
    this.#watch?.removeAllListeners();
    this.#watch?.end();
    this.#watch = undefined;
    this.#consul?.destroy();
    this.#consul = undefined;
  }

  /** Starts the watch in the background; a failure to start is reported to grpc-js, never thrown. */
  #begin(parts: ConsulTargetParts): void {
    this.#startWatch(parts).catch((err) => {
      if (this.#active) {
        this.#fail(GrpcStatus.UNAVAILABLE, `Cannot watch Consul at ${parts.consulUrl}: ${err}`);
      }
    });
  }

  async #startWatch(parts: ConsulTargetParts): Promise<void> {
    const consul = this.#consul ?? await this.#newClient(parts);
    if (!consul) return;
    // wrap the method to learn of every successful answer (Watch emits "change" only on new indexes)
    const health = consul.health;
    const method = (opts: Record<string, unknown>) =>
      (health.service(opts as unknown as Parameters<typeof health.service>[0]) as Promise<unknown>).then(
        (r) => {
          this.#reachable(parts);
          return r;
        },
      );
    const watch = consul.watch({
      method,
      options: { service: parts.service, passing: "true", wait: parts.wait },
      backoffFactor: 250,
      backoffMax: 10_000,
    });
    this.#watch = watch;
    watch.on("change", (data: unknown) => {
      if (!this.#active) return;
      this.#answered = true;
      this.#deliver(parts, endpointsOf(data, parts.transport));
    });
    watch.on("error", (err: unknown) => {
      if (!this.#active) return;
      if (!this.#outage) {
        this.#outage = true;
        this.#log.warn(
          `Consul at ${parts.consulUrl} is unreachable; cannot resolve ${parts.service} instances, retrying with backoff${
            this.#answered ? " (calls keep going to the instances known so far)" : ""
          }`,
          { consul: parts.consulUrl, service: parts.service, err: describeConsulError(err) },
        );
      }
      if (!this.#answered) {
        this.#fail(
          GrpcStatus.UNAVAILABLE,
          `Consul at ${parts.consulUrl} is unreachable, so no ${parts.service} instance is known (${
            describeConsulError(err)
          })`,
        );
      }
    });
    watch.on("end", () => {
      // Watch gives up on HTTP 400 and malformed answers; keep trying, slowly, while a channel needs us
      if (!this.#active || this.#watch !== watch) return;
      this.#watch = undefined;
      this.#restart = setTimeout(() => this.#active && !this.#watch && this.#begin(parts), 5000);
    });
  }

  /** A client for the agent (npm:consul is loaded on first use); undefined when destroyed meanwhile. */
  async #newClient(parts: ConsulTargetParts): Promise<ConsulClient | undefined> {
    const generation = this.#generation;
    let consul: ConsulClient;
    try {
      consul = await createConsulClient(parts.consulUrl);
    } catch (err) {
      if (this.#active && generation === this.#generation) {
        this.#fail(
          GrpcStatus.UNAVAILABLE,
          `Cannot reach Consul at ${parts.consulUrl}: ${describeConsulError(err)}`,
        );
      }
      return undefined;
    }
    if (!this.#active || generation !== this.#generation) {
      consul.destroy();
      return undefined;
    }
    this.#consul = consul;
    return consul;
  }

  #reachable(parts: ConsulTargetParts): void {
    if (!this.#outage) return;
    this.#outage = false;
    this.#log.info("Consul reachable again", { consul: parts.consulUrl, service: parts.service });
  }

  #deliver(parts: ConsulTargetParts, endpoints: Endpoint[]): void {
    const config: ServiceConfigResult = { ok: true, value: ROUND_ROBIN_SERVICE_CONFIG };
    const note = `No healthy ${parts.service} instances in Consul`;
    this.#listener({ ok: true, value: endpoints }, {}, config, note);
    // round_robin reports an empty list as "No addresses resolved. Resolution note: ..."; following it
    // with an error (which round_robin takes when it has no instances) makes calls fail with `note`
    // alone, as a structured RpcError("unavailable", note) that the gateway shows in its 503
    if (endpoints.length === 0) this.#fail(GrpcStatus.UNAVAILABLE, note, true);
  }

  /** Reports a failed resolution; `explain` sends `details` to callers as a structured RpcError. */
  #fail(code: GrpcStatus, details: string, explain = false): void {
    const config: ServiceConfigResult = { ok: true, value: ROUND_ROBIN_SERVICE_CONFIG };
    const metadata = explain
      ? new RpcError("unavailable", details).toServiceError().metadata ?? new Metadata()
      : new Metadata();
    this.#listener({ ok: false, error: { code, details, metadata } }, {}, config, details);
  }

  /** For logs and errors. */
  toString(): string {
    return experimental.uriToString(this.#target);
  }
}

let registered = false;

/** Registers {@linkcode ConsulResolver} for the `consul:` scheme with grpc-js (once per process). */
export function registerConsulResolver(): void {
  if (registered) return;
  experimental.registerResolver(CONSUL_SCHEME, ConsulResolver);
  registered = true;
}
