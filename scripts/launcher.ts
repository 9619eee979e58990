/**
 * Runs the OMS services as separate processes (used by `deno task dev` and by the system tests):
 * builds each process's environment, spawns it, waits until its health check passes, and stops it
 * with SIGTERM (or kills it with SIGKILL, for crash tests).
 *
 * It stays small: no gRPC library, no generated code (the health check is `grpc_health.ts` on `fetch`), so
 * `deno task dev`'s own process costs little beside the services it runs.
 *
 * @module
 */
import { checkConnectHealth, checkGrpcHealth, h2cClient } from "./grpc_health.ts";
import { runtimeFlags } from "./runtime_flags.ts";

/** The processes of the system, in start order (orders needs stock and payments). */
export const PROCESSES = ["stock", "payments", "kitchen", "orders", "web"] as const;
/** One of {@linkcode PROCESSES}. */
export type ProcessName = typeof PROCESSES[number];
/** A program the launcher can run: one of {@linkcode PROCESSES}, or `oms` (all of them in one process). */
export type ProgramName = ProcessName | "oms";

const ENTRY: Record<ProgramName, string> = {
  stock: "services/stock/main.ts",
  payments: "services/payments/main.ts",
  kitchen: "services/kitchen/main.ts",
  orders: "services/orders/main.ts",
  web: "web/main.ts",
  oms: "scripts/start_all.ts",
};

/** Ports of one system. */
export type Ports = Record<ProcessName, number>;

/** The ports `freePort` hands out from (`OMS_TEST_PORTS=from-to`), when set; see {@linkcode freePort}. */
export function testPortRange(value: string | undefined): { from: number; size: number } | undefined {
  const m = value?.match(/^(\d{4,5})-(\d{4,5})$/);
  if (!m) return undefined;
  const from = Number(m[1]), to = Number(m[2]);
  return from >= 1024 && to <= 65535 && to >= from ? { from, size: to - from + 1 } : undefined;
}

let range = testPortRange(envOrUndefined("OMS_TEST_PORTS"));

function envOrUndefined(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no env permission: the kernel picks ports
  }
}
let next = range ? Math.floor(Math.random() * range.size) : 0;

/**
 * Makes {@linkcode freePort} hand out the ports of `value` (`from-to`, as `OMS_TEST_PORTS`) from now on,
 * unless `OMS_TEST_PORTS` set a range already (which then wins). For a long-lived system such as the
 * bench's: a port the kernel picks is from its ephemeral range, so between `freePort` releasing it and
 * the child binding it, any outgoing connection (a service's to RabbitMQ, the load generator's) may take
 * it as its local port, and the child fails with EADDRINUSE. Throws on a malformed `value`.
 */
export function preferPortRange(value: string): void {
  const chosen = testPortRange(value);
  if (!chosen) throw new RangeError(`not a port range from-to: ${value}`);
  if (range) return;
  range = chosen;
  next = Math.floor(Math.random() * chosen.size);
}

/**
 * A free TCP port on 127.0.0.1 (bound then released, so a child process can take it). The kernel picks
 * it, unless `OMS_TEST_PORTS` (`from-to`) is set: `deno task test` gives the parts it runs at the same
 * time disjoint ranges below the kernel's ephemeral ports, and each hands out its own in turn, so a port
 * one part was just given (and has not bound yet) is never given to the other.
 */
export function freePort(): number {
  if (!range) {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    return port;
  }
  for (let tried = 0; tried < range.size; tried++) {
    const port = range.from + (next++ % range.size);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // taken: the next one
    }
  }
  throw new Error(`no free port in ${range.from}-${range.from + range.size - 1}`);
}

/**
 * Metrics ports of one system: one per process (`<PROC>_METRICS_PORT`, Prometheus text at
 * `/metrics`), and `oms` for `deno task start:all` (every part in one process: one endpoint).
 */
export type MetricsPorts = Record<ProgramName, number>;

/** `deno task dev`'s metrics ports (each overridable by its variable). */
export const DEV_METRICS_PORTS: MetricsPorts = {
  oms: 9460,
  orders: 9461,
  stock: 9462,
  payments: 9463,
  kitchen: 9464,
  web: 9465,
};

/** Free metrics ports for a test system. */
export function freeMetricsPorts(): MetricsPorts {
  return {
    oms: freePort(),
    orders: freePort(),
    stock: freePort(),
    payments: freePort(),
    kitchen: freePort(),
    web: freePort(),
  };
}

/** The `<PROC>_METRICS_PORT` variables of `ports` (`OMS_METRICS_PORT` for start:all's one process). */
export function metricsEnv(ports: MetricsPorts): Record<string, string> {
  return Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [`${name.toUpperCase()}_METRICS_PORT`, String(port)]),
  );
}

/** The services' Connect ports of one system (`<SERVICE>_CONNECT_PORT`). */
export type ConnectPorts = Record<Exclude<ProcessName, "web">, number>;

/** Free Connect ports for a test or bench system. */
export function freeConnectPorts(): ConnectPorts {
  return { orders: freePort(), stock: freePort(), payments: freePort(), kitchen: freePort() };
}

/**
 * Each service serving Connect on its port of `ports`, and every peer calling it there
 * (`<SERVICE>_ADDR=http://127.0.0.1:<port>`): OMS's own calls go over Connect, gRPC stays for the rest.
 */
export function connectEnv(ports: ConnectPorts): Record<string, string> {
  return Object.fromEntries(
    Object.entries(ports).flatMap(([name, port]) => [
      [`${name.toUpperCase()}_CONNECT_PORT`, String(port)],
      [`${name.toUpperCase()}_ADDR`, `http://127.0.0.1:${port}`],
    ]),
  );
}

/**
 * The environment every process of one system shares: ports, addresses, data folder, broker, and
 * `OMS_ENV=development` (the local payment provider runs; `extra` may override it). With
 * `metricsPorts`, every process serves its metrics (see {@linkcode metricsEnv}); with `connectPorts`,
 * the services call each other over Connect (see {@linkcode connectEnv}); with a `DATA_DIR`, the
 * failure flags file is `<DATA_DIR>/flags.json` (`OMS_FLAGS_FILE`).
 */
export function systemEnv(
  ports: Ports,
  extra: Record<string, string>,
  metricsPorts?: MetricsPorts,
  connectPorts?: ConnectPorts,
): Record<string, string> {
  return {
    ...(metricsPorts ? metricsEnv(metricsPorts) : {}),
    OMS_ENV: "development",
    ORDERS_GRPC_PORT: String(ports.orders),
    STOCK_GRPC_PORT: String(ports.stock),
    PAYMENTS_GRPC_PORT: String(ports.payments),
    KITCHEN_GRPC_PORT: String(ports.kitchen),
    WEB_PORT: String(ports.web),
    ORDERS_ADDR: `127.0.0.1:${ports.orders}`,
    STOCK_ADDR: `127.0.0.1:${ports.stock}`,
    PAYMENTS_ADDR: `127.0.0.1:${ports.payments}`,
    KITCHEN_ADDR: `127.0.0.1:${ports.kitchen}`,
    PUBLIC_URL: `http://localhost:${ports.web}`,
    ...(connectPorts ? connectEnv(connectPorts) : {}),
    // failure flags: every process reads (web writes) the flag file in the data folder
    ...(extra.DATA_DIR ? { OMS_FLAGS_FILE: `${extra.DATA_DIR}/flags.json` } : {}),
    ...extra,
  };
}

/**
 * The broker environment of process `name`: a service connects as its own broker user (`urls[name]`,
 * see scripts/broker_users.ts); web does not use the broker and gets none.
 */
export function brokerEnv(
  name: ProcessName,
  urls: Partial<Record<ProcessName, string>>,
): Record<string, string> {
  const url = name === "web" ? undefined : urls[name];
  return url ? { AMQP_URL: url } : {};
}

/** Options of one {@linkcode ServiceProcess}. */
export interface ServiceProcessOptions {
  /** Extra `deno run` flags before the entry point (e.g. `--inspect=127.0.0.1:9229` for a profile). */
  denoFlags?: readonly string[];
}

/**
 * The `deno` arguments that run process `name`: `run -A`, the runtime flags every OMS process runs with
 * (the V8 heap limits of `runtime_flags.ts`, as deno.json's `start:<name>` tasks), then `denoFlags`,
 * then the entry.
 */
export function processArgs(name: ProgramName, denoFlags: readonly string[] = []): string[] {
  return ["run", "-A", ...runtimeFlags(name), ...denoFlags, ENTRY[name]];
}

/** The `deno task start:<name>` task of program `name` (`start:all` for `oms`). */
export function startTask(name: ProgramName): string {
  return name === "oms" ? "start:all" : `start:${name}`;
}

/** One service process. */
export class ServiceProcess {
  #child: Deno.ChildProcess | undefined;
  #pumps: Promise<void>[] = [];
  #exited: Promise<number> | undefined;
  /** Every output line, for diagnostics. */
  readonly lines: string[] = [];

  /** Describes the process; call {@linkcode start}. */
  constructor(
    readonly name: ProgramName,
    private env: Record<string, string>,
    private readonly onLine?: (name: ProgramName, line: string) => void,
    private readonly options: ServiceProcessOptions = {},
  ) {}

  /** True while the process runs. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The operating system's process id while it runs (for /proc readings, e.g. `deno task bench`). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Resolves with the exit code once the process has exited and its output is read (undefined before
   * {@linkcode start}).
   */
  get exited(): Promise<number> | undefined {
    return this.#exited;
  }

  /** Spawns the process (with `overrides` merged into its environment). */
  start(overrides: Record<string, string> = {}): void {
    if (this.#child) throw new Error(`${this.name} is already running`);
    this.env = { ...this.env, ...overrides };
    const child = new Deno.Command(Deno.execPath(), {
      args: processArgs(this.name, this.options.denoFlags),
      env: this.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    const pumps = this.#pumps = [this.#pump(child.stdout), this.#pump(child.stderr)];
    // resolved once its output is read to the end too, so `tail()` then holds its last words
    this.#exited = child.status.then(async ({ code }) => {
      await Promise.allSettled(pumps);
      return code;
    });
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    let buf = "";
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      buf += decoder.decode(bytes, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        if (this.lines.length > 2000) this.lines.shift();
        this.onLine?.(this.name, line);
      }
    }
    if (buf) {
      this.lines.push(buf);
      this.onLine?.(this.name, buf);
    }
  }

  /** Sends `signal` and waits for exit (SIGKILL after `timeoutMs`); returns the exit code. */
  async stop(signal: Deno.Signal = "SIGTERM", timeoutMs = 15_000): Promise<number> {
    const child = this.#child;
    if (!child) return 0;
    try {
      child.kill(signal);
    } catch {
      // already exited
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
    }, timeoutMs);
    const { code } = await child.status;
    clearTimeout(timer);
    await Promise.allSettled(this.#pumps);
    this.#child = undefined;
    return code;
  }

  /** The last `n` output lines, for a failing test's message. */
  tail(n = 30): string {
    return this.lines.slice(-n).join("\n");
  }
}

/**
 * Waits until the gRPC health service at `addr` reports SERVING. Its HTTP/2 client is closed at the end,
 * which sends the server a GOAWAY (see {@linkcode waitForConnectHealth}, which the launchers use).
 */
export async function waitForGrpcHealth(addr: string, timeoutMs = 30_000): Promise<void> {
  const client = h2cClient();
  try {
    await waitForServing(addr, (a) => checkGrpcHealth(a, { client, timeoutMs: 1000 }), timeoutMs);
  } finally {
    client.close();
  }
}

/**
 * Waits until the health service reports SERVING over the Connect port at `addr` (plain HTTP/1.1): no
 * HTTP/2 connection is closed on the server, so no GOAWAY, which Deno 2.9.6 can abort a grpc-js server
 * on (denoland/deno#36788; `grpc_health.ts`).
 */
export function waitForConnectHealth(addr: string, timeoutMs = 30_000): Promise<void> {
  return waitForServing(addr, (a) => checkConnectHealth(a, { timeoutMs: 1000 }), timeoutMs);
}

async function waitForServing(
  addr: string,
  check: (addr: string) => Promise<string>,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if (await check(addr) === "SERVING") return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${addr} did not report SERVING within ${timeoutMs} ms`);
}

/** Waits until `url` answers 200. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Waits until process `name` of a system on `ports` is healthy: web's `/healthz`; a service's health over
 * its Connect port when the system serves Connect (`connectPorts`), else over gRPC.
 */
export function waitReady(
  name: ProcessName,
  ports: Ports,
  timeoutMs = 30_000,
  connectPorts?: ConnectPorts,
): Promise<void> {
  if (name === "web") return waitForHttp(`http://127.0.0.1:${ports.web}/healthz`, timeoutMs);
  return connectPorts
    ? waitForConnectHealth(`127.0.0.1:${connectPorts[name]}`, timeoutMs)
    : waitForGrpcHealth(`127.0.0.1:${ports[name]}`, timeoutMs);
}
