/**
 * The system under benchmark: every service and web as its own process (scripts/launcher.ts), as
 * `deno task dev` runs them, or all of them in one process as `deno task start:all` runs them
 * ({@linkcode startOneProcessBenchSystem}) — each service its own broker user (scripts/broker_users.ts), the local
 * payment provider, the kitchen preparing by itself — but on free ports, with a private data folder and
 * a unique exchange, queue prefix and user prefix, all removed at the end. Every item is restocked
 * through `Stock.Restock` with the service token before the load.
 *
 * @module
 */
import amqp from "amqplib";
import { connectBrokerAdmin } from "../broker_admin.ts";
import { BROKER_SERVICES, type BrokerService, removeBrokerUsers, setUpBrokerUsers } from "../broker_users.ts";
import { amqpUrlVariable } from "../start_all_broker.ts";
import {
  brokerEnv,
  type ConnectPorts,
  freeConnectPorts,
  freePort,
  type Ports,
  preferPortRange,
  PROCESSES,
  type ProcessName,
  type ProgramName,
  ServiceProcess,
  systemEnv,
  waitForHttp,
  waitReady,
} from "../launcher.ts";
import { generateServiceToken } from "../../services/common/auth/service_token.ts";
import { connect, rpc } from "../../services/common/grpc_client.ts";
import { StockServiceClient } from "../../services/common/gen/oms/stock/v1/stock.ts";

const RETRY_DELAYS_MS = [1000, 5000, 25000];
/** The kitchen's own default auto-prep step, in ms. */
const DEFAULT_KITCHEN_PREP_MS = 3000;

/** A running system of processes (`P`: the programs it runs, five processes or start:all's one). */
export interface BenchSystem<P extends ProgramName = ProcessName> {
  /** The gateway's base URL. */
  url: string;
  /** The private data folder (each service's KV file is `<dataDir>/<service>.kv`). */
  dataDir: string;
  /** The processes, by name. */
  procs: Record<P, ServiceProcess>;
  /** Ports of the processes. */
  ports: Ports;
  /** The kitchen's auto-prep step (`KITCHEN_PREP_MS`): queued -> preparing, and preparing -> ready. */
  kitchenPrepMs: number;
  /** Restocks every item by `quantity`; resolves with how many items. */
  restockAll(quantity: number): Promise<number>;
  /** Stops one process (SIGTERM). */
  stopProcess(name: P): Promise<void>;
  /** Stops every process, removes the broker users, queues, exchange and the data folder. */
  stop(): Promise<void>;
}

/**
 * The ports a bench system's processes listen on (unless `OMS_TEST_PORTS` says otherwise): below the
 * kernel's ephemeral ports (Linux 32768-60999, macOS and Windows 49152-65535), so that no outgoing
 * connection takes one between `freePort` and the process binding it (see `preferPortRange`).
 */
export const BENCH_PORTS = "30000-32767";

/** Extra `deno run` flags per process (e.g. `--inspect=127.0.0.1:<port>` for `bench:profile`). */
export type DenoFlagsOf = (name: ProcessName) => readonly string[];

/**
 * Starts the system, each service and web its own process, against the broker administered through
 * `adminUrl`; `say` gets progress lines; `denoFlags` adds `deno run` flags to a process.
 */
export function startBenchSystem(
  adminUrl: string,
  say: (line: string) => void,
  baseEnv: Record<string, string> = Deno.env.toObject(),
  denoFlags: DenoFlagsOf = () => [],
): Promise<BenchSystem<ProcessName>> {
  return startSystem(PROCESSES, adminUrl, say, baseEnv, denoFlags);
}

/**
 * Starts the system as `deno task start:all` runs it: every service and web in one process (`oms`), on
 * RabbitMQ, each service still its own broker user (`<SERVICE>_AMQP_URL`, scripts/start_all_broker.ts).
 */
export function startOneProcessBenchSystem(
  adminUrl: string,
  say: (line: string) => void,
  baseEnv: Record<string, string> = Deno.env.toObject(),
): Promise<BenchSystem<"oms">> {
  return startSystem(["oms"] as const, adminUrl, say, baseEnv, () => []);
}

/**
 * Waits until program `name` is ready: start:all's one process once web, started last, says so; a
 * service by its health over its Connect port.
 */
function waitProgramReady(name: ProgramName, ports: Ports, connectPorts: ConnectPorts): Promise<void> {
  return name === "oms"
    ? waitForHttp(`http://127.0.0.1:${ports.web}/readyz`, 90_000)
    : waitReady(name, ports, 60_000, connectPorts);
}

/** The broker environment of program `name`: start:all's one process gets every service's user. */
function programBrokerEnv(name: ProgramName, urls: Record<BrokerService, string>): Record<string, string> {
  if (name !== "oms") return brokerEnv(name, urls);
  return Object.fromEntries(BROKER_SERVICES.map((s) => [amqpUrlVariable(s), urls[s]]));
}

async function startSystem<P extends ProgramName>(
  programs: readonly P[],
  adminUrl: string,
  say: (line: string) => void,
  baseEnv: Record<string, string>,
  denoFlags: (name: P) => readonly string[],
): Promise<BenchSystem<P>> {
  const id = crypto.randomUUID().slice(0, 8);
  const names = { prefix: `bench-${id}-`, exchange: `bench.${id}`, queuePrefix: `bench-${id}` };
  const dataDir = await Deno.makeTempDir({ prefix: "oms-bench-" });
  const admin = await connectBrokerAdmin(adminUrl);
  const { urls } = await setUpBrokerUsers(admin, adminUrl, names);
  say(`bench: broker users ${names.prefix}* set up through ${admin.description}; data in ${dataDir}`);
  const serviceToken = generateServiceToken();
  preferPortRange(BENCH_PORTS);
  const ports: Ports = {
    orders: freePort(),
    stock: freePort(),
    payments: freePort(),
    kitchen: freePort(),
    web: freePort(),
  };
  const connectPorts = freeConnectPorts();
  const { AMQP_URL: _admin, ...userEnv } = baseEnv; // each service gets its own user's URL, web none
  const env = systemEnv(
    ports,
    {
      ...userEnv,
      OMS_ENV: "development",
      DATA_DIR: dataDir,
      OMS_BROKER_USER_PREFIX: names.prefix,
      OMS_EXCHANGE: names.exchange,
      OMS_QUEUE_PREFIX: names.queuePrefix,
      OMS_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(","),
      KITCHEN_AUTO_PREP: baseEnv.KITCHEN_AUTO_PREP ?? "true",
      KITCHEN_PREP_MS: baseEnv.KITCHEN_PREP_MS ?? String(DEFAULT_KITCHEN_PREP_MS),
      ADMIN_PASSWORD: `bench-${crypto.randomUUID()}`,
      WEB_COOKIE_SECRET: `bench-${crypto.randomUUID()}`,
      OMS_SERVICE_TOKEN: serviceToken,
    },
    undefined,
    connectPorts,
  );
  delete env.WEB_OPEN_CUSTOMER_API;
  const procs = Object.fromEntries(
    programs.map((name) => [
      name,
      new ServiceProcess(name, { ...env, ...programBrokerEnv(name, urls) }, undefined, {
        denoFlags: denoFlags(name),
      }),
    ]),
  ) as Record<P, ServiceProcess>;
  // restocking is staff-only: the bench acts as staff
  const stock = connect(StockServiceClient, `127.0.0.1:${ports.stock}`, serviceToken, {
    staff: { sub: "bench", role: "owner" },
  });

  const system: BenchSystem<P> = {
    url: `http://127.0.0.1:${ports.web}`,
    dataDir,
    procs,
    ports,
    kitchenPrepMs: Number(env.KITCHEN_PREP_MS),
    async restockAll(quantity) {
      const { items } = await rpc(stock, "listItems", {});
      for (const item of items) await rpc(stock, "restock", { itemId: item.id, quantity });
      return items.length;
    },
    async stopProcess(name) {
      await procs[name].stop("SIGTERM");
    },
    async stop() {
      // processes first, the client never closed: a GOAWAY can abort Deno 2.9.6 (services/common/exiting.ts)
      for (const name of [...programs].reverse()) await procs[name].stop("SIGTERM");
      await removeBrokerUsers(admin, names.prefix).catch(() => {});
      await deleteTopology(adminUrl, names.exchange, names.queuePrefix).catch(() => {});
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  try {
    for (const name of programs) {
      procs[name].start();
      try {
        await waitProgramReady(name, ports, connectPorts);
      } catch (err) {
        throw new Error(`${name} did not become ready: ${(err as Error).message}\n${procs[name].tail()}`);
      }
      say(`bench: ${name} is up (pid ${procs[name].pid})`);
    }
  } catch (err) {
    await system.stop();
    throw err;
  }
  return system;
}

/** Deletes the run's queues (service, dead-letter, retry) and exchange. */
async function deleteTopology(adminUrl: string, exchange: string, queuePrefix: string): Promise<void> {
  const conn = await amqp.connect(adminUrl);
  try {
    for (const svc of BROKER_SERVICES) {
      const queues = [
        `${queuePrefix}.${svc}`,
        `${queuePrefix}.${svc}.dead`,
        ...RETRY_DELAYS_MS.map((d) => `${queuePrefix}.${svc}.retry.${d}ms`),
      ];
      for (const q of queues) {
        const ch = await conn.createChannel();
        await ch.deleteQueue(q).catch(() => {});
        await ch.close().catch(() => {});
      }
    }
    const ch = await conn.createChannel();
    await ch.deleteExchange(exchange).catch(() => {});
    await ch.close().catch(() => {});
  } finally {
    await conn.close().catch(() => {});
  }
}
