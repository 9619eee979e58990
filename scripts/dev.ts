/**
 * `deno task dev`: the whole system on this machine. Each service runs as its own process talking to
 * RabbitMQ; KV files live under ./data; the local payment provider is used unless STRIPE_SECRET_KEY is
 * set; the kitchen auto-prepares tickets. With no broker reachable it starts a private
 * `rabbitmq-server` if one is installed, else runs everything in one process on the in-memory bus, and
 * says which it chose; `AMQP_URL=memory` asks for that one process directly (`scripts/start_all.ts` on
 * the in-memory bus). Ctrl-C stops everything.
 *
 * No surprises: dev only fills in the variables the user left unset (`scripts/dev/env.ts`); a port that is
 * taken stops it before anything starts, naming what holds it (`scripts/dev/ports.ts`); a process that
 * exits, during start-up or later, stops everything with that process's last log lines and exit code 1
 * (`scripts/dev/start_up.ts`).
 *
 * @module
 */
import { brokerReachable, findRabbitmqServer, startInstalledBroker } from "./broker.ts";
import {
  brokerEnv,
  type ConnectPorts,
  DEV_METRICS_PORTS,
  type Ports,
  PROCESSES,
  type ProgramName,
  ServiceProcess,
  systemEnv,
  waitReady,
} from "./launcher.ts";
import { brokerPasswordMakers, devBrokerNames, devBrokerUsers } from "./dev_broker.ts";
import { devSecrets, randomHex } from "./dev_secrets.ts";
import { versionWarning } from "./deno_version.ts";
import { customerApiNotice, devOpenCustomerApi } from "./dev_customer_api.ts";
import {
  CONNECT_PORT_VARIABLES,
  devConnectPorts,
  devPorts,
  isSet,
  keepUserSet,
  PORT_VARIABLES,
} from "./dev/env.ts";
import { portProblems } from "./dev/ports.ts";
import { ExitedError, startInOrder, watchExits } from "./dev/start_up.ts";
import { generateServiceToken, SERVICE_TOKEN_VAR } from "../services/common/auth/service_token.ts";

const say = (msg: string) => console.log(`dev: ${msg}`);
/** Says `msg` on stderr and exits with `code`. */
function fail(msg: string, code = 1): never {
  console.error(`dev: ${msg}`);
  Deno.exit(code);
}

const versionNote = versionWarning();
if (versionNote) console.error(versionNote);

const env = Deno.env.toObject();
const url = isSet(env, "AMQP_URL") ? env.AMQP_URL! : "amqp://guest:guest@127.0.0.1:5672";
if (url !== "memory" && !/^amqps?:\/\//.test(url)) {
  fail(`AMQP_URL must be amqp://..., amqps://... or memory, got "${url.replace(/\/\/[^@]*@/, "//")}"`, 2);
}
let ports: Ports;
let connectPorts: ConnectPorts;
try {
  ports = devPorts(env);
  connectPorts = devConnectPorts(env);
} catch (err) {
  fail((err as Error).message, 2);
}

// every port first: a taken one stops dev before anything starts
const grpcHost = isSet(env, "GRPC_HOST") ? env.GRPC_HOST! : "127.0.0.1";
const problems = await portProblems([
  ...Object.entries(PORT_VARIABLES).map(([name, { variable }]) => ({
    variable,
    host: name === "web" ? (isSet(env, "WEB_HOST") ? env.WEB_HOST! : "127.0.0.1") : grpcHost,
    port: ports[name as keyof typeof ports],
  })),
  ...Object.entries(CONNECT_PORT_VARIABLES).map(([name, { variable }]) => ({
    variable,
    host: grpcHost,
    port: connectPorts[name as keyof typeof connectPorts],
  })),
]);
if (problems.length > 0) {
  for (const problem of problems) console.error(`dev: ${problem}`);
  fail(
    `nothing was started. Stop what holds the port, or give dev other ports (${
      [...Object.values(PORT_VARIABLES), ...Object.values(CONNECT_PORT_VARIABLES)].map((p) => p.variable)
        .join(", ")
    }).`,
  );
}

const dataDir = isSet(env, "DATA_DIR") ? env.DATA_DIR! : `${Deno.cwd()}/data`;
const secrets = await devSecrets(`${dataDir}/dev-secrets.json`, {
  adminPassword: () => randomHex(6),
  cookieSecret: () => randomHex(32),
  serviceToken: generateServiceToken,
  ...brokerPasswordMakers(),
});
// dev's values; every variable the user set keeps the user's value
const shared = keepUserSet(
  systemEnv(
    ports,
    {
      // development unless the user said otherwise (then payments wants Stripe or PAYMENTS_ALLOW_LOCAL_PROVIDER)
      OMS_ENV: "development",
      DATA_DIR: dataDir,
      KITCHEN_AUTO_PREP: "true",
      ADMIN_PASSWORD: secrets.adminPassword,
      WEB_COOKIE_SECRET: secrets.cookieSecret,
      // dev only: the seed's curl examples work with a customer id and no proof (said at start)
      WEB_OPEN_CUSTOMER_API: devOpenCustomerApi(env),
      // the gRPC service credential: the user's, else one made once and kept in <DATA_DIR>/dev-secrets.json
      [SERVICE_TOKEN_VAR]: secrets.serviceToken,
    },
    DEV_METRICS_PORTS,
    connectPorts,
  ),
  env,
);

/** The Erlang node of the private broker dev starts, when it does (for rabbitmqctl). */
let privateNode: string | undefined;

async function chooseBus(): Promise<"rabbitmq" | "memory"> {
  if (url === "memory") {
    say("AMQP_URL=memory: every service and web in ONE process on the in-memory bus (not durable)");
    return "memory";
  }
  if (await brokerReachable(url)) {
    say(`using RabbitMQ at ${url.replace(/\/\/[^@]*@/, "//")}; each service runs as its own process`);
    return "rabbitmq";
  }
  const binary = findRabbitmqServer();
  if (binary) {
    say(
      `no broker at ${
        url.replace(/\/\/[^@]*@/, "//")
      }; starting a private rabbitmq-server (data in ${dataDir}/rabbitmq) ...`,
    );
    await Deno.mkdir(`${dataDir}/rabbitmq`, { recursive: true });
    const ok = await startInstalledBroker(url, binary, {
      RABBITMQ_MNESIA_BASE: `${dataDir}/rabbitmq/mnesia`,
      RABBITMQ_LOG_BASE: `${dataDir}/rabbitmq/log`,
      RABBITMQ_NODENAME: "oms-dev@localhost",
    });
    if (ok) {
      privateNode = "oms-dev@localhost";
      say("private RabbitMQ started; each service runs as its own process");
      return "rabbitmq";
    }
    say("the private RabbitMQ did not start in time");
  }
  say("no RabbitMQ available: running every service in ONE process on the in-memory bus (not durable)");
  return "memory";
}

/** A process's output line as dev prints it: `<service> | <message>` (JSON log lines made readable). */
function formatLine(name: string, line: string): string {
  let label = name;
  let text = line;
  try {
    const j = JSON.parse(line) as Record<string, unknown>;
    const { time: _t, level, service, msg, ...rest } = j;
    // in the one process every service still names itself
    if (name === "oms" && typeof service === "string") label = service;
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    text = `${level === "info" ? "" : `${String(level).toUpperCase()} `}${msg}${extra}`;
  } catch {
    // not JSON: print as is
  }
  return `${label.padEnd(8)} | ${text}`;
}

function printLine(name: ProgramName, line: string) {
  console.log(formatLine(name, line));
}

/**
 * How the banner names the first owner: the name and, when dev made the password, the password (the
 * user's own ADMIN_PASSWORD is not printed). The owner is made at the first start only, so a password
 * changed on /admin/account since then is not this one.
 */
function firstOwner(): string {
  const name = isSet(env, "ADMIN_USER") ? env.ADMIN_USER!.trim() : "admin";
  if (isSet(env, "ADMIN_PASSWORD")) return `(first owner: ${name}, with your ADMIN_PASSWORD)`;
  return `(first owner: ${name} / ${shared.ADMIN_PASSWORD}, made by dev and kept in ${dataDir}/dev-secrets.json; ` +
    "unless changed on /admin/account)";
}

/** Where the Prometheus endpoints are: one per process, or start:all's one. */
function metricsLine(bus: "rabbitmq" | "memory"): string {
  const url = (name: keyof typeof DEV_METRICS_PORTS) =>
    `http://localhost:${shared[`${name.toUpperCase()}_METRICS_PORT`]}/metrics`;
  return bus === "memory" ? url("oms") : PROCESSES.map((p) => `${p} ${url(p)}`).join("\n                ");
}

function banner(bus: "rabbitmq" | "memory") {
  const local = `http://localhost:${ports.web}`;
  const publicUrl = shared.PUBLIC_URL!.replace(/\/+$/, "");
  console.log(`
  OMS is running (${bus === "memory" ? "one process, in-memory bus" : "one process per service, RabbitMQ"})
    storefront  ${local}/${
    publicUrl === local
      ? ""
      : `\n    public URL  ${publicUrl}/   (PUBLIC_URL: payment links and redirects use it)`
  }
    admin       ${local}/admin   ${firstOwner()}
    API         ${local}/api/products
    metrics     ${metricsLine(bus)}
    try         curl -X POST localhost:${ports.web}/api/customers/2/orders -H 'content-type: application/json' -d '{"ID": 1, "Quantity": 2}'
  Ctrl-C stops everything.
`);
}

say(customerApiNotice(shared.WEB_OPEN_CUSTOMER_API ?? ""));
const bus = await chooseBus();
let procs: ServiceProcess[];
if (bus === "memory") {
  procs = [new ServiceProcess("oms", { ...shared, AMQP_URL: "memory" }, printLine)];
} else {
  let urls: Awaited<ReturnType<typeof devBrokerUsers>>;
  try {
    urls = await devBrokerUsers(url, devBrokerNames(env), secrets, say, privateNode);
  } catch (err) {
    fail((err as Error).message);
  }
  // each service gets its own user's URL, web none
  procs = PROCESSES.map((name) =>
    new ServiceProcess(name, { ...shared, ...brokerEnv(name, urls) }, printLine)
  );
}

let stopping = false;
/** Stops every process (the last started first) and exits with `code`. */
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping ...");
  for (const p of [...procs].reverse()) await p.stop("SIGTERM");
  say("stopped");
  Deno.exit(code);
}
/** A process exited on its own: everything stops, saying which and why. */
async function exitedAlone(err: ExitedError) {
  // Ctrl-C reaches the processes too: one may exit before this process has seen the signal
  await new Promise((r) => setTimeout(r, 300));
  if (stopping) return;
  console.error(`dev: ${err.report((line) => formatLine(err.process, line))}`);
  await stopAll(1);
}
Deno.addSignalListener("SIGINT", () => stopAll(0));
Deno.addSignalListener("SIGTERM", () => stopAll(0));
try {
  await startInOrder(procs, (p) => waitReady(p.name === "oms" ? "web" : p.name, ports, 90_000, connectPorts));
} catch (err) {
  if (err instanceof ExitedError) {
    await exitedAlone(err);
  } else {
    console.error(`dev: start failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}
if (!stopping) {
  watchExits(procs, exitedAlone);
  banner(bus);
}
