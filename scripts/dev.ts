/**
 * `deno task dev`: the whole system on this machine. Each service runs as its own process talking to
 * RabbitMQ; KV files live under ./data; the local payment provider is used unless STRIPE_SECRET_KEY is
 * set; the kitchen auto-prepares tickets. With no broker reachable it starts a private
 * `rabbitmq-server` if one is installed, else runs everything in one process on the in-memory bus,
 * and says which it chose. Ctrl-C stops everything.
 *
 * @module
 */
import { brokerReachable, findRabbitmqServer, startInstalledBroker } from "./broker.ts";
import { brokerEnv, PROCESSES, type ProcessName, ServiceProcess, systemEnv, waitReady } from "./launcher.ts";
import { brokerPasswordMakers, devBrokerNames, devBrokerUsers } from "./dev_broker.ts";
import { devSecrets, randomHex } from "./dev_secrets.ts";
import { versionWarning } from "./deno_version.ts";
import { customerApiNotice, devOpenCustomerApi } from "./dev_customer_api.ts";
import { generateServiceToken, SERVICE_TOKEN_VAR } from "../services/common/auth/service_token.ts";

const versionNote = versionWarning();
if (versionNote) console.error(versionNote);

const env = Deno.env.toObject();
const url = env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const dataDir = env.DATA_DIR || `${Deno.cwd()}/data`;
const ports = {
  orders: Number(env.ORDERS_GRPC_PORT || 50051),
  stock: Number(env.STOCK_GRPC_PORT || 50052),
  payments: Number(env.PAYMENTS_GRPC_PORT || 50053),
  kitchen: Number(env.KITCHEN_GRPC_PORT || 50054),
  web: Number(env.WEB_PORT || 8080),
};
const secrets = await devSecrets(`${dataDir}/dev-secrets.json`, {
  adminPassword: () => randomHex(6),
  cookieSecret: () => randomHex(32),
  serviceToken: generateServiceToken,
  ...brokerPasswordMakers(),
});
const adminPassword = env.ADMIN_PASSWORD || secrets.adminPassword;
// the gRPC service credential: the user's, else one made once and kept in <DATA_DIR>/dev-secrets.json
const serviceToken = env[SERVICE_TOKEN_VAR] || secrets.serviceToken;
const shared = systemEnv(ports, {
  // development unless the user said otherwise (then payments wants Stripe or PAYMENTS_ALLOW_LOCAL_PROVIDER)
  OMS_ENV: env.OMS_ENV || "development",
  DATA_DIR: dataDir,
  KITCHEN_AUTO_PREP: env.KITCHEN_AUTO_PREP ?? "true",
  ADMIN_PASSWORD: adminPassword,
  WEB_COOKIE_SECRET: env.WEB_COOKIE_SECRET || secrets.cookieSecret,
  // dev only: the seed's curl examples work with a customer id and no proof (said at start)
  WEB_OPEN_CUSTOMER_API: devOpenCustomerApi(env),
  [SERVICE_TOKEN_VAR]: serviceToken,
});

const say = (msg: string) => console.log(`dev: ${msg}`);
/** The Erlang node of the private broker dev starts, when it does (for rabbitmqctl). */
let privateNode: string | undefined;

async function chooseBus(): Promise<"rabbitmq" | "memory"> {
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

function printLine(name: ProcessName, line: string) {
  let text = line;
  try {
    const j = JSON.parse(line) as Record<string, unknown>;
    const { time: _t, level, service: _s, msg, ...rest } = j;
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    text = `${level === "info" ? "" : `${String(level).toUpperCase()} `}${msg}${extra}`;
  } catch {
    // not JSON: print as is
  }
  console.log(`${name.padEnd(8)} | ${text}`);
}

function banner() {
  console.log(`
  OMS is running
    storefront  http://localhost:${ports.web}/
    admin       http://localhost:${ports.web}/admin   (password: ${adminPassword})
    API         http://localhost:${ports.web}/api/products
    try         curl -X POST localhost:${ports.web}/api/customers/2/orders -H 'content-type: application/json' -d '{"ID": 1, "Quantity": 2}'
  Ctrl-C stops everything.
`);
}

say(customerApiNotice(shared.WEB_OPEN_CUSTOMER_API ?? ""));
const bus = await chooseBus();
if (bus === "memory") {
  for (const [k, v] of Object.entries({ ...shared, AMQP_URL: "memory" })) Deno.env.set(k, v);
  const { runAllInOneProcess } = await import("./dev_single.ts");
  const stop = await runAllInOneProcess();
  banner();
  const shutdown = async () => {
    say("stopping ...");
    await stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
} else {
  let urls;
  try {
    urls = await devBrokerUsers(url, devBrokerNames(env), secrets, say, privateNode);
  } catch (err) {
    say((err as Error).message);
    Deno.exit(1);
  }
  const { AMQP_URL: _admin, ...userEnv } = env; // each service gets its own user's URL, web none
  const procs = PROCESSES.map((name) =>
    new ServiceProcess(name, { ...userEnv, ...shared, ...brokerEnv(name, urls) }, printLine)
  );
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    say("stopping ...");
    for (const p of [...procs].reverse()) await p.stop("SIGTERM");
    say("stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stopAll);
  Deno.addSignalListener("SIGTERM", stopAll);
  try {
    for (const p of procs) {
      p.start();
      await waitReady(p.name, ports, 60_000);
    }
  } catch (err) {
    say(`start failed: ${(err as Error).message}`);
    await stopAll();
  }
  banner();
}
