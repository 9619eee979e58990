/**
 * Test harness: the whole system as real processes (four services and web) on free ports, with its own
 * data folder and an isolated exchange and queue prefix on the real RabbitMQ. Test code only.
 *
 * Each system has its own service token (`OMS_SERVICE_TOKEN`, generated). The harness's gRPC clients
 * carry it and act as staff (every call has a valid staff claim of {@linkcode TEST_STAFF}), so tests can
 * read any order and run admin actions directly; a test that needs a customer's or a stranger's view
 * makes its own client.
 *
 * @module
 */
import { KitchenServiceClient } from "../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { OrdersServiceClient } from "../services/common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient } from "../services/common/gen/oms/stock/v1/stock.ts";
import { PaymentsServiceClient } from "../services/common/gen/oms/payments/v1/payments.ts";
import { DeadLettersServiceClient } from "../services/common/gen/oms/deadletters/v1/deadletters.ts";
import { type TestBus, testBusConfig } from "../services/common/bus/testing.ts";
import { issueToken } from "../web/customer_token.ts";
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import { TEST_STAFF } from "../services/common/auth/testing.ts";
import { connect } from "../services/common/grpc_client.ts";
import {
  brokerEnv,
  type ConnectPorts,
  freeConnectPorts,
  freeMetricsPorts,
  freePort,
  type MetricsPorts,
  type Ports,
  PROCESSES,
  type ProcessName,
  ServiceProcess,
  systemEnv,
  waitReady,
} from "../scripts/launcher.ts";

/** Options of {@linkcode startSystem}. */
export interface SystemOptions {
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment per process. */
  envFor?: Partial<Record<ProcessName, Record<string, string>>>;
  /** Processes not to start (e.g. payments, to test it being down). */
  without?: ProcessName[];
  /**
   * `host:port` put in place of the broker's in every process's `AMQP_URL` (e.g. a `tcp_proxy.ts` to
   * cut, for a broker outage of this system only); the harness itself still uses the broker directly.
   */
  brokerAddr?: string;
}

/** A running system. */
export interface System {
  /** Base URL of the web gateway. */
  url: string;
  /** This system's service token (every process has it in `OMS_SERVICE_TOKEN`). */
  serviceToken: string;
  ports: Ports;
  /** Each process's metrics port (Prometheus text at `http://127.0.0.1:<port>/metrics`). */
  metricsPorts: MetricsPorts;
  /** Each service's Connect port (the processes call each other there). */
  connectPorts: ConnectPorts;
  bus: TestBus;
  procs: Record<ProcessName, ServiceProcess>;
  orders: OrdersServiceClient;
  stock: StockServiceClient;
  payments: PaymentsServiceClient;
  kitchen: KitchenServiceClient;
  /** The dead-letters service of a consuming service. */
  deadLetters(name: "orders" | "stock" | "payments" | "kitchen"): DeadLettersServiceClient;
  /** Starts (or restarts) one process and waits until it is healthy. */
  start(name: ProcessName, overrides?: Record<string, string>): Promise<void>;
  /**
   * Starts another web process (a replica: the same environment, its own port) and waits until it is
   * healthy; it is stopped with the system, or earlier with its `stop()`.
   */
  webReplica(): Promise<{ url: string; proc: ServiceProcess; stop(): Promise<void> }>;
  /**
   * Starts another process of `name` (a replica: the system's environment with `env` on top, its own
   * port) and waits until it is healthy; it is stopped with the system, or earlier with its `stop()`.
   * `addr` is its `127.0.0.1:port` (web: `url` is its base URL); `env` may choose the port
   * (`<NAME>_GRPC_PORT`, web's `WEB_PORT`), e.g. to start replicas that call each other together.
   */
  replica(name: ProcessName, env?: Record<string, string>): Promise<Replica>;
  /** The `Authorization` header proving `customerId` to this system's web (a customer bearer token). */
  proof(customerId: string): Promise<Record<string, string>>;
  /** Sends a JSON request to the gateway. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Stops everything and deletes the data. */
  stop(): Promise<void>;
}

/** A process started by {@linkcode System.replica}. */
export interface Replica {
  port: number;
  addr: string;
  url: string;
  proc: ServiceProcess;
  stop(): Promise<void>;
}

/** A gateway response with its parsed JSON body. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * The order processes start in: stock, payments and kitchen side by side (none needs another to start),
 * then orders (it calls stock and payments), then web (it calls orders at start). Starting them one by
 * one cost about a second per test system.
 */
const START_WAVES: readonly (readonly ProcessName[])[] = [["stock", "payments", "kitchen"], ["orders"], [
  "web",
]];
/** The reverse: web first, then orders, then the rest side by side. */
const STOP_WAVES: readonly (readonly ProcessName[])[] = [...START_WAVES].reverse();

/** Starts the system; stop it in a `finally`. */
export async function startSystem(opts: SystemOptions = {}): Promise<System> {
  const dataDir = await Deno.makeTempDir({ prefix: "oms-system-" });
  const bus = await testBusConfig(dataDir, [100, 200]);
  const serviceToken = generateServiceToken();
  const ports: Ports = {
    orders: freePort(),
    stock: freePort(),
    payments: freePort(),
    kitchen: freePort(),
    web: freePort(),
  };
  const metricsPorts = freeMetricsPorts();
  const connectPorts = freeConnectPorts();
  const env = systemEnv(
    ports,
    {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "/root",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
      DATA_DIR: dataDir,
      OMS_BROKER_USER_PREFIX: bus.config.brokerUserPrefix ?? "",
      OMS_EXCHANGE: bus.config.exchange,
      OMS_QUEUE_PREFIX: bus.config.queuePrefix,
      OMS_RETRY_DELAYS_MS: bus.config.retryDelaysMs.join(","),
      LOG_LEVEL: Deno.env.get("TEST_LOG_LEVEL") ?? "warn",
      KITCHEN_AUTO_PREP: "false",
      // the first owner (made by web at start in the staff store orders hosts): admin / test-admin-password
      ADMIN_USER: "admin",
      ADMIN_PASSWORD: "test-admin-password",
      // customers prove who they are (WEB_OPEN_CUSTOMER_API stays off); proof() signs with this secret
      WEB_COOKIE_SECRET: `test-${crypto.randomUUID()}`,
      OMS_SERVICE_TOKEN: serviceToken,
      ...opts.env,
    },
    metricsPorts,
    connectPorts,
  );
  if (!env.DENO_DIR) delete env.DENO_DIR;
  const procs = Object.fromEntries(
    PROCESSES.map((
      name,
    ) => [
      name,
      new ServiceProcess(
        name,
        viaBroker({ ...env, ...brokerEnv(name, bus.urls), ...opts.envFor?.[name] }, opts),
      ),
    ]),
  ) as Record<ProcessName, ServiceProcess>;
  const addr = (n: Exclude<ProcessName, "web">) => `127.0.0.1:${ports[n]}`;
  const auth = { staff: TEST_STAFF };
  const clients = {
    orders: connect(OrdersServiceClient, addr("orders"), serviceToken, auth),
    stock: connect(StockServiceClient, addr("stock"), serviceToken, auth),
    payments: connect(PaymentsServiceClient, addr("payments"), serviceToken, auth),
    kitchen: connect(KitchenServiceClient, addr("kitchen"), serviceToken, auth),
  };
  const dl = new Map<string, DeadLettersServiceClient>();
  const url = `http://127.0.0.1:${ports.web}`;
  const replicas: ServiceProcess[] = [];

  const system: System = {
    url,
    serviceToken,
    ports,
    metricsPorts,
    connectPorts,
    bus,
    procs,
    ...clients,
    deadLetters(name) {
      let c = dl.get(name);
      if (!c) {
        c = connect(DeadLettersServiceClient, addr(name), serviceToken, auth);
        dl.set(name, c);
      }
      return c;
    },
    async start(name, overrides = {}) {
      // A start that hangs is killed and made once more, with its report printed: in one CI run of
      // 1540 tests on a loaded 2-core machine an orders process printed nothing and never reported
      // SERVING in 60 s. A second hang fails the test with both reports.
      for (let attempt = 1;; attempt++) {
        procs[name].start(overrides);
        try {
          await waitReady(name, ports, 60_000, connectPorts);
          return;
        } catch (err) {
          const report = `${name} did not become ready: ${(err as Error).message}\n${procs[name].tail()}`;
          await procs[name].stop("SIGKILL");
          if (attempt >= 2) throw new Error(report);
          console.error(`test system: ${report}\ntest system: starting ${name} once more`);
        }
      }
    },
    async webReplica() {
      const port = freePort();
      const proc = new ServiceProcess(
        "web",
        viaBroker(
          {
            ...env,
            ...brokerEnv("web", bus.urls),
            ...opts.envFor?.web,
            WEB_PORT: String(port),
            WEB_METRICS_PORT: String(freePort()),
          },
          opts,
        ),
      );
      replicas.push(proc);
      proc.start();
      try {
        await waitReady("web", { ...ports, web: port }, 60_000);
      } catch (err) {
        throw new Error(`the web replica did not become ready: ${(err as Error).message}\n${proc.tail()}`);
      }
      return { url: `http://127.0.0.1:${port}`, proc, stop: async () => void await proc.stop("SIGTERM") };
    },
    async replica(name, extra = {}) {
      const upper = name.toUpperCase();
      const portVar = name === "web" ? "WEB_PORT" : `${upper}_GRPC_PORT`;
      const port = extra[portVar] ? Number(extra[portVar]) : freePort(); // a port chosen by the caller
      const own: Record<string, string> = { [portVar]: String(port) };
      const metricsVar = `${upper}_METRICS_PORT`; // a port of its own when the system sets one
      if (env[metricsVar]) own[metricsVar] = String(freePort());
      const connectVar = `${upper}_CONNECT_PORT`; // likewise
      if (env[connectVar]) own[connectVar] = String(freePort());
      const proc = new ServiceProcess(
        name,
        viaBroker({ ...env, ...brokerEnv(name, bus.urls), ...opts.envFor?.[name], ...own, ...extra }, opts),
      );
      replicas.push(proc);
      proc.start();
      try {
        // a service by its health over its own Connect port (no HTTP/2 GOAWAY: launcher.ts)
        const replicaConnect = extra[connectVar] ?? own[connectVar];
        await waitReady(
          name,
          { ...ports, [name]: port },
          60_000,
          name === "web" || !replicaConnect ? undefined : { ...connectPorts, [name]: Number(replicaConnect) },
        );
      } catch (err) {
        throw new Error(
          `the ${name} replica did not become ready: ${(err as Error).message}\n${proc.tail()}`,
        );
      }
      return {
        port,
        addr: `127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}`,
        proc,
        stop: async () => void await proc.stop("SIGTERM"),
      };
    },
    async proof(customerId) {
      return { authorization: `Bearer ${await issueToken(customerId, env.WEB_COOKIE_SECRET ?? "")}` };
    },
    async api(method, path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async stop() {
      // processes first: a client closing its HTTP/2 connection sends GOAWAY, which Deno 2.9.6 can abort on
      // web (and replicas) first, then orders, then the three it calls: each wave stops side by side
      for (const wave of STOP_WAVES) {
        await Promise.all([
          ...(wave.includes("web") ? replicas.map((r) => r.stop("SIGTERM")) : []),
          ...wave.map((name) => procs[name].stop("SIGTERM")),
        ]);
      }
      for (const c of [...Object.values(clients), ...dl.values()]) c.close();
      await bus.cleanup();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  try {
    for (const wave of START_WAVES) {
      // the processes of one wave start side by side; every one is awaited before a failure is thrown
      const results = await Promise.allSettled(
        wave.filter((name) => !opts.without?.includes(name)).map((name) => system.start(name)),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    }
  } catch (err) {
    await system.stop();
    throw err;
  }
  return system;
}

/** `env` with its `AMQP_URL`'s host and port replaced by `opts.brokerAddr`, when given. */
function viaBroker(env: Record<string, string>, opts: SystemOptions): Record<string, string> {
  if (!opts.brokerAddr || !env.AMQP_URL) return env;
  const url = new URL(env.AMQP_URL);
  url.host = opts.brokerAddr;
  return { ...env, AMQP_URL: url.href };
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export { eventually } from "../services/common/bus/testing.ts";
