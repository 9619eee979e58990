/**
 * A Consul stand-in for tests (test code only): an HTTP server speaking the parts of Consul's
 * documented HTTP API that OMS uses, with Consul's semantics where they matter.
 *
 * - `PUT /v1/agent/service/register`: a service with one gRPC or HTTP check; a new check starts
 *   `critical` (Consul's default) and the stand-in runs it as Consul does every `Interval`: a gRPC check
 *   calls `grpc.health.v1.Health/Check` on its `GRPC` address (SERVING: passing; anything else:
 *   critical); an HTTP check requests its `HTTP` URL with its `Method` (default GET; 2xx: passing;
 *   Consul's 429 = warning is not modelled, OMS never answers it; anything else or no answer: critical).
 * - `PUT /v1/agent/service/deregister/<id>`.
 * - `GET /v1/agent/services`: the registered services by id.
 * - `GET /v1/health/service/<name>[?passing]`: nodes, service and checks; a blocking query with
 *   `index` holds the request until the state index passes it or `wait` elapses (default 5m, max
 *   10m); every answer carries `X-Consul-Index`.
 *
 * Tests can force a check critical ({@linkcode ConsulStandIn.setCritical}), stop the stand-in
 * (Consul unreachable) and restart it on the same port with empty state (an agent that forgot
 * everything).
 *
 * @module
 */
import { credentials, Metadata } from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus, HealthClient } from "../../gen/grpc/health/v1/health.ts";

/** A service as registered. */
export interface StandInService {
  /** Instance id. */
  ID: string;
  /** Service name. */
  Service: string;
  /** Advertised address. */
  Address: string;
  /** Port. */
  Port: number;
  /** Meta, e.g. `{version}`. */
  Meta: Record<string, string>;
  /** Tags. */
  Tags: string[];
}

/** A check as registered and as last run. */
export interface StandInCheck {
  /** `service:<id>`, Consul's default for a service's only check. */
  CheckID: string;
  /** The check's name. */
  Name: string;
  /** `passing` or `critical`. */
  Status: "passing" | "critical";
  /** Output of the last run. */
  Output: string;
  /** `host:port` (optionally `/service`) of a gRPC health check ("" for an HTTP check). */
  GRPC: string;
  /** The URL of an HTTP check ("" for a gRPC check). */
  HTTP: string;
  /** The HTTP check's method. */
  Method: string;
  /** Whether TLS was asked for (OMS asks for none). */
  GRPCUseTLS: boolean;
  /** Interval in ms. */
  intervalMs: number;
  /** Timeout in ms. */
  timeoutMs: number;
  /** The raw registration of the check, for assertions. */
  definition: Record<string, unknown>;
}

interface Entry {
  service: StandInService;
  check?: StandInCheck;
  forcedCritical: boolean;
  timer?: ReturnType<typeof setTimeout>;
  client?: HealthClient;
}

const NODE = { ID: "stand-in-node-id", Node: "stand-in", Address: "127.0.0.1", Datacenter: "dc1" };

/** Parses a Consul duration (`200ms`, `3s`, `1m`) into ms. */
export function parseDuration(value: unknown, fallbackMs: number): number {
  if (typeof value !== "string") return fallbackMs;
  const m = value.match(/^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/);
  if (!m) return fallbackMs;
  const unit = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms"];
  return Number(m[1]) * unit;
}

/** The running stand-in. */
export class ConsulStandIn {
  /** The port it listens on (kept across restarts). */
  readonly port: number;
  /** Every request as `METHOD path?query`, for assertions. */
  readonly requests: string[] = [];
  #server?: Deno.HttpServer;
  #entries = new Map<string, Entry>();
  #index = 1;
  #waiters = new Set<() => void>();
  #aborts = new Set<AbortController>();

  private constructor(port: number) {
    this.port = port;
  }

  /** Starts a stand-in on `port` (0: a free one). */
  static async start(port = 0): Promise<ConsulStandIn> {
    const probe = port === 0 ? Deno.listen({ hostname: "127.0.0.1", port: 0 }) : undefined;
    const chosen = probe ? (probe.addr as Deno.NetAddr).port : port;
    probe?.close();
    const s = new ConsulStandIn(chosen);
    await s.#listen();
    return s;
  }

  /** The agent URL, e.g. `http://127.0.0.1:8500`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The current state index (`X-Consul-Index`). */
  get index(): number {
    return this.#index;
  }

  /** Registered services (a copy). */
  services(): StandInService[] {
    return [...this.#entries.values()].map((e) => ({ ...e.service }));
  }

  /** The check of instance `id`, or undefined. */
  check(id: string): StandInCheck | undefined {
    const c = this.#entries.get(id)?.check;
    return c ? { ...c } : undefined;
  }

  /** Instance ids of `name` whose checks pass. */
  passing(name: string): string[] {
    return [...this.#entries.values()]
      .filter((e) => e.service.Service === name && this.#statusOf(e) === "passing")
      .map((e) => e.service.ID);
  }

  /** Forces instance `id`'s check critical (true) or back to its real result (false). */
  setCritical(id: string, critical: boolean): void {
    const e = this.#entries.get(id);
    if (!e) throw new Error(`Unknown service id "${id}"`);
    e.forcedCritical = critical;
    this.#bump();
  }

  /** Stops answering (Consul unreachable); state is kept unless `restart` follows. */
  async stop(): Promise<void> {
    for (const a of this.#aborts) a.abort();
    for (const e of this.#entries.values()) this.#stopCheck(e);
    if (this.#server) {
      const server = this.#server;
      this.#server = undefined;
      await server.shutdown();
    }
  }

  /** Starts answering again on the same port with empty state, as an agent that lost everything. */
  async restart(): Promise<void> {
    await this.stop();
    this.#entries.clear();
    this.#index = 1;
    await this.#listen();
  }

  async #listen(): Promise<void> {
    const listening = Promise.withResolvers<void>();
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: this.port,
      onListen: () => listening.resolve(),
    }, (req) => this.#handle(req));
    await listening.promise;
    for (const e of this.#entries.values()) this.#scheduleCheck(e, 0);
  }

  #bump(): void {
    this.#index += 1;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }

  #statusOf(e: Entry): "passing" | "critical" {
    if (e.forcedCritical) return "critical";
    return e.check?.Status ?? "passing";
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const path = url.pathname;
    if (req.method === "PUT" && path === "/v1/agent/service/register") {
      return this.#register(await req.json());
    }
    const dereg = path.match(/^\/v1\/agent\/service\/deregister\/(.+)$/);
    if (req.method === "PUT" && dereg) {
      const id = decodeURIComponent(dereg[1]!);
      const e = this.#entries.get(id);
      if (!e) {
        return new Response(
          `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`,
          { status: 404 },
        );
      }
      this.#stopCheck(e);
      this.#entries.delete(id);
      this.#bump();
      return new Response("");
    }
    if (req.method === "GET" && path === "/v1/agent/services") {
      const out: Record<string, StandInService> = {};
      for (const [id, e] of this.#entries) out[id] = e.service;
      return Response.json(out);
    }
    const health = path.match(/^\/v1\/health\/service\/([^/]+)$/);
    if (req.method === "GET" && health) {
      return await this.#health(decodeURIComponent(health[1]!), url);
    }
    return new Response(`Unsupported by the stand-in: ${req.method} ${path}`, { status: 405 });
  }

  #register(body: Record<string, unknown>): Response {
    const name = body.Name;
    if (typeof name !== "string" || name === "") return new Response("Missing service name", { status: 400 });
    const id = typeof body.ID === "string" && body.ID !== "" ? body.ID : name;
    const old = this.#entries.get(id);
    if (old) this.#stopCheck(old);
    const service: StandInService = {
      ID: id,
      Service: name,
      Address: typeof body.Address === "string" ? body.Address : "",
      Port: typeof body.Port === "number" ? body.Port : 0,
      Meta: (body.Meta ?? {}) as Record<string, string>,
      Tags: (body.Tags ?? []) as string[],
    };
    const def = (body.Check ?? (Array.isArray(body.Checks) ? body.Checks[0] : undefined)) as
      | Record<string, unknown>
      | undefined;
    let check: StandInCheck | undefined;
    if (def) {
      if (typeof def.GRPC !== "string" && typeof def.HTTP !== "string") {
        return new Response("The stand-in runs gRPC and HTTP checks only", { status: 400 });
      }
      check = {
        CheckID: `service:${id}`,
        Name: typeof def.Name === "string" ? def.Name : `Service '${name}' check`,
        Status: def.Status === "passing" ? "passing" : "critical",
        Output: "",
        GRPC: typeof def.GRPC === "string" ? def.GRPC : "",
        HTTP: typeof def.HTTP === "string" ? def.HTTP : "",
        Method: typeof def.Method === "string" && def.Method ? def.Method : "GET",
        GRPCUseTLS: def.GRPCUseTLS === true,
        intervalMs: parseDuration(def.Interval, 10_000),
        timeoutMs: parseDuration(def.Timeout, 10_000),
        definition: def,
      };
    }
    const entry: Entry = {
      service,
      forcedCritical: old?.forcedCritical ?? false,
      ...(check ? { check } : {}),
    };
    this.#entries.set(id, entry);
    this.#bump();
    this.#scheduleCheck(entry, 0);
    return new Response("");
  }

  #scheduleCheck(e: Entry, delayMs: number): void {
    if (!e.check || !this.#server) return;
    e.timer = setTimeout(() => this.#runCheck(e), delayMs);
  }

  #stopCheck(e: Entry): void {
    clearTimeout(e.timer);
    e.timer = undefined;
    e.client?.close();
    e.client = undefined;
  }

  #runCheck(e: Entry): void {
    if (e.check!.HTTP) {
      this.#runHttpCheck(e);
      return;
    }
    const check = e.check!;
    const [target = "", svc = ""] = check.GRPC.split("/", 2);
    e.client ??= new HealthClient(target, credentials.createInsecure());
    const client = e.client;
    client.check(
      { service: svc },
      new Metadata(),
      { deadline: new Date(Date.now() + check.timeoutMs) },
      (err, res) => {
        if (this.#entries.get(e.service.ID) !== e || e.client !== client) return; // deregistered meanwhile
        const status: "passing" | "critical" =
          !err && res?.status === HealthCheckResponse_ServingStatus.SERVING ? "passing" : "critical";
        check.Output = err
          ? `gRPC check ${check.GRPC}: ${err.message}`
          : `gRPC check ${check.GRPC}: ${res?.status}`;
        if (status !== check.Status) {
          check.Status = status;
          this.#bump();
        }
        this.#scheduleCheck(e, check.intervalMs);
      },
    );
  }

  async #runHttpCheck(e: Entry): Promise<void> {
    const check = e.check!;
    let status: "passing" | "critical" = "critical";
    try {
      const res = await fetch(check.HTTP, {
        method: check.Method,
        signal: AbortSignal.timeout(check.timeoutMs),
      });
      const text = (await res.text()).slice(0, 200).trim();
      status = res.status >= 200 && res.status < 300 ? "passing" : "critical";
      check.Output = `HTTP ${check.Method} ${check.HTTP}: ${res.status} Output: ${text}`;
    } catch (err) {
      check.Output = `HTTP ${check.Method} ${check.HTTP}: ${(err as Error).message}`;
    }
    if (this.#entries.get(e.service.ID) !== e || !this.#server) return; // deregistered or stopped meanwhile
    if (status !== check.Status) {
      check.Status = status;
      this.#bump();
    }
    this.#scheduleCheck(e, check.intervalMs);
  }

  async #health(name: string, url: URL): Promise<Response> {
    const index = Number(url.searchParams.get("index") ?? "0");
    const waitMs = Math.min(parseDuration(url.searchParams.get("wait") ?? "5m", 300_000), 600_000);
    if (index > 0 && this.#index <= index) {
      const abort = new AbortController();
      this.#aborts.add(abort);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        };
        // a change wakes every waiter; only a change past `index` ends the wait
        const check = () => {
          if (this.#index > index) done();
          else this.#waiters.add(check);
        };
        const timer = setTimeout(done, waitMs);
        this.#waiters.add(check);
        abort.signal.addEventListener("abort", done, { once: true });
      });
      this.#aborts.delete(abort);
    }
    const passingOnly = url.searchParams.has("passing") && url.searchParams.get("passing") !== "false";
    const body = [...this.#entries.values()]
      .filter((e) => e.service.Service === name)
      .filter((e) => !passingOnly || this.#statusOf(e) === "passing")
      .map((e) => ({
        Node: NODE,
        Service: e.service,
        Checks: [
          {
            Node: NODE.Node,
            CheckID: "serfHealth",
            Name: "Serf Health Status",
            Status: "passing",
            ServiceID: "",
          },
          ...(e.check
            ? [{
              Node: NODE.Node,
              CheckID: e.check.CheckID,
              Name: e.check.Name,
              Status: this.#statusOf(e),
              Output: e.check.Output,
              ServiceID: e.service.ID,
              ServiceName: e.service.Service,
              Type: e.check.HTTP ? "http" : "grpc",
            }]
            : []),
        ],
      }));
    return Response.json(body, { headers: { "X-Consul-Index": String(this.#index) } });
  }
}
