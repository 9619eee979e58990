/**
 * compose.yaml against Docker Compose and against the code. No Docker engine runs here, so the file is
 * validated by Debian's docker-compose (`config`, which understands the compose spec including
 * healthcheck conditions) and then checked against what the code really reads: the environment
 * variables of every process are found by scanning the modules of its import graph (`deno info`), so a
 * variable added anywhere in a process's code is held to this test at once.
 *
 * The resolved file (`docker-compose config`) is YAML; it is turned into JSON with the Python YAML
 * module docker-compose itself depends on (no YAML parser is among the project's imports).
 *
 * compose.yaml is a deployment, and the rules of one are checked here too: only web is published on
 * every interface; RabbitMQ, Consul, Jaeger and the services' gRPC stay on an internal network; every
 * secret comes from a required variable (and compose refuses to start without it); RabbitMQ has no
 * guest and a user per service with its topic permissions (deploy/rabbitmq/, which
 * compose_broker_test.ts tries on a real broker); OMS_ENV is production, where the local payment
 * provider refuses to run unless explicitly allowed.
 */
import assert from "node:assert/strict";
import { ConfigError, DEFAULT_PORTS } from "../services/common/config.ts";
import { parseAmqpUrls } from "../services/common/amqp_urls.ts";
import { loadConfig as kitchenConfig } from "../services/kitchen/config.ts";
import { loadConfig as ordersConfig } from "../services/orders/config.ts";
import { loadConfig as paymentsConfig } from "../services/payments/config.ts";
import { loadConfig as stockConfig } from "../services/stock/config.ts";
import { loadConfig as webConfig } from "../web/config.ts";
import type { ProcessEnv, Vars } from "../services/common/env/schema.ts";
import { KITCHEN_ENV } from "../services/kitchen/env.ts";
import { ORDERS_ENV } from "../services/orders/env.ts";
import { PAYMENTS_ENV } from "../services/payments/env.ts";
import { STOCK_ENV } from "../services/stock/env.ts";
import { WEB_ENV } from "../web/env.ts";

const ROOT = new URL("../", import.meta.url);
const SERVICES = ["orders", "stock", "payments", "kitchen"] as const;
const PROCESSES = [...SERVICES, "web"] as const;
type Process = typeof PROCESSES[number];

const ENTRY: Record<Process, string> = {
  orders: "services/orders/main.ts",
  stock: "services/stock/main.ts",
  payments: "services/payments/main.ts",
  kitchen: "services/kitchen/main.ts",
  web: "web/main.ts",
};
const LOAD_CONFIG: Record<Process, (env: Record<string, string>) => { port: number; kvPath?: string }> = {
  orders: ordersConfig,
  stock: stockConfig,
  payments: paymentsConfig,
  kitchen: kitchenConfig,
  web: webConfig,
};
/** Each process's configuration schema: its variables are read (checked at start) even where no module names them. */
const SCHEMA = {
  orders: ORDERS_ENV,
  stock: STOCK_ENV,
  payments: PAYMENTS_ENV,
  kitchen: KITCHEN_ENV,
  web: WEB_ENV,
} as unknown as Record<Process, ProcessEnv<Vars>>;
/**
 * Variables compose may set that no module reads: the Deno runtime reads them itself, and OMS_ENV is
 * stated for every process so that whatever code learns to read it sees production.
 */
const RUNTIME_VARS = new Set(["DENO_KV_ACCESS_TOKEN", "NO_COLOR", "DENO_DIR", "OMS_ENV"]);

// deno-lint-ignore no-explicit-any
type Json = any;

async function run(cmd: string, args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT.pathname,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(opts.env ? { env: opts.env, clearEnv: true } : {}),
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The secrets compose requires (`${VAR:?...}`): a deployment's `.env`. */
const SECRETS: Record<string, string> = Object.fromEntries(
  [
    "OMS_SERVICE_TOKEN",
    "ADMIN_PASSWORD",
    "WEB_COOKIE_SECRET",
    "RABBITMQ_ADMIN_PASSWORD",
    "ORDERS_AMQP_PASSWORD",
    "STOCK_AMQP_PASSWORD",
    "PAYMENTS_AMQP_PASSWORD",
    "KITCHEN_AMQP_PASSWORD",
    "GF_SECURITY_ADMIN_PASSWORD",
  ].map((name) => [name, randomHex(24)]),
);
/** A deployment with Stripe configured (the local payment provider refuses production). */
const DEPLOYMENT: Record<string, string> = {
  ...SECRETS,
  STRIPE_SECRET_KEY: "sk_test_compose",
  STRIPE_WEBHOOK_SECRET: "whsec_compose",
};

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

let emptyEnvFile: string | undefined;
/** docker-compose in a clean environment holding only `vars`, with an empty `.env` (not the developer's). */
async function dockerCompose(vars: Record<string, string>, ...args: string[]) {
  if (!emptyEnvFile) {
    const file = emptyEnvFile = await Deno.makeTempFile({ prefix: "compose-test-", suffix: ".env" });
    globalThis.addEventListener("unload", () => Deno.removeSync(file));
  }
  try {
    return await run("docker-compose", ["--env-file", emptyEnvFile, "-f", "compose.yaml", ...args], {
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/root", ...vars },
    });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        "docker-compose is not installed, so compose.yaml cannot be validated: " +
          "apt-get install -y docker-compose (.ci/run installs it)",
      );
    }
    throw err;
  }
}

/** YAML text as JSON, through the Python YAML module docker-compose itself depends on. */
async function yamlToJson(yaml: string): Promise<Json> {
  const json = await run("python3", [
    "-c",
    "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
  ], { stdin: yaml });
  assert.equal(json.code, 0, `Could not read YAML with python3-yaml:\n${json.stderr}`);
  return JSON.parse(json.stdout);
}

const resolved = new Map<string, Promise<Json>>();
/**
 * compose.yaml as docker-compose resolves it (anchors merged, variables interpolated) with the
 * variables `vars` (default: a deployment's secrets and Stripe keys), as JSON.
 */
function composeConfig(vars: Record<string, string> = DEPLOYMENT): Promise<Json> {
  const key = JSON.stringify(vars);
  let config = resolved.get(key);
  if (!config) {
    config = (async () => {
      const out = await dockerCompose(vars, "config");
      assert.equal(out.code, 0, `docker-compose config failed:\n${out.stderr}`);
      return yamlToJson(out.stdout);
    })();
    resolved.set(key, config);
  }
  return config;
}

/** One place a variable is read, and whether the code gives it a default there. */
interface EnvRead {
  file: string;
  defaulted: boolean;
}

/** The project's own modules in the import graph of `entry` (generated code left out). */
async function graphFiles(entry: string): Promise<string[]> {
  const out = await run(Deno.execPath(), ["info", "--json", entry]);
  assert.equal(out.code, 0, `deno info ${entry} failed:\n${out.stderr}`);
  const info = JSON.parse(out.stdout) as { modules: { specifier: string }[] };
  return info.modules.map((m) => m.specifier)
    .filter((s) => s.startsWith(ROOT.href) && !s.includes("/gen/") && !s.includes("/node_modules/"))
    .map((s) => new URL(s).pathname);
}

const NAME = "[A-Z][A-Z0-9_]*";
/** `${x.toUpperCase()}_KV_PATH`-style names: one per service. */
function expand(template: string): string[] {
  return template.includes("${")
    ? SERVICES.map((s) => template.replace(/\$\{[^}]+\}/, s.toUpperCase()))
    : [template];
}

/** Every environment variable read in `source`, with whether that read has a default. */
export function envReads(source: string): Map<string, boolean> {
  const reads = new Map<string, boolean>();
  const add = (names: string[], defaulted: boolean) => {
    for (const n of names) reads.set(n, (reads.get(n) ?? false) || defaulted);
  };
  // envString / envInt / envBool / envDuration take the fallback as their second argument
  for (const m of source.matchAll(new RegExp(`\\benv(?:String|Int|Bool|Duration)\\(\\s*"(${NAME})"`, "g"))) {
    add([m[1]!], true);
  }
  for (const m of source.matchAll(/\benv(?:String|Int|Bool|Duration)\(\s*`([^`]+)`/g)) {
    add(expand(m[1]!), true);
  }
  // Deno.env.get("X"), env.X, env["X"], env[`${...}_X`], process.env.X: defaulted when ?? or || follows
  const bare = [
    new RegExp(`Deno\\.env\\.get\\(\\s*"(${NAME})"\\s*\\)`, "g"),
    new RegExp(`\\b(?:process\\.)?env\\.(${NAME})\\b`, "g"),
    new RegExp(`\\benv\\[\\s*"(${NAME})"\\s*\\]`, "g"),
    /\benv\[\s*`([^`]+)`\s*\]/g,
  ];
  for (const re of bare) {
    for (const m of source.matchAll(re)) {
      const after = source.slice(m.index! + m[0].length).trimStart();
      add(expand(m[1]!), after.startsWith("??") || after.startsWith("||"));
    }
  }
  return reads;
}

/** Variables read by the code of `process` (its schema's included): name -> the reads. */
async function processEnv(process: Process): Promise<Map<string, EnvRead[]>> {
  const vars = new Map<string, EnvRead[]>();
  // a variable without a default that is not required may stay unset: defaulted for this test's purpose
  for (const [name, spec] of Object.entries(SCHEMA[process].vars)) {
    vars.set(name, [{ file: `${ENTRY[process]} (schema)`, defaulted: spec.required === undefined }]);
  }
  for (const file of await graphFiles(ENTRY[process])) {
    for (const [name, defaulted] of envReads(await Deno.readTextFile(file))) {
      const list = vars.get(name) ?? [];
      list.push({ file: file.slice(ROOT.pathname.length), defaulted });
      vars.set(name, list);
    }
  }
  return vars;
}

/** A published port of a service: host address ("" for every interface), host port, container port. */
interface Published {
  hostIp: string;
  published: number;
  target: number;
}

/** The published ports of `service`, in either form docker-compose writes them (`ip:host:container/proto` or long). */
function portsOf(service: Json): Published[] {
  return (service.ports ?? []).map((p: Json): Published => {
    if (typeof p === "object") {
      return { hostIp: p.host_ip ?? "", published: Number(p.published), target: Number(p.target) };
    }
    const parts = String(p).replace(/\/\w+$/, "").split(":");
    const [target, published, hostIp] = parts.reverse();
    return { hostIp: hostIp ?? "", published: Number(published ?? target), target: Number(target) };
  });
}

function envOf(service: Json): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? "")]));
}

Deno.test("docker-compose validates compose.yaml (compose spec, healthcheck conditions)", async () => {
  const out = await dockerCompose(DEPLOYMENT, "config", "-q");
  assert.equal(out.code, 0, `docker-compose config -q rejected compose.yaml:\n${out.stderr}`);
});

Deno.test("envReads finds literal, templated and defaulted reads", () => {
  const reads = envReads(`
    envString("A_B", "x", env); envInt("C", 1); Deno.env.get("D") ?? "d"; Deno.env.get("E");
    env.F; env["G"] || 1; env[\`\${s.toUpperCase()}_KV_PATH\`] || "p"; envString(name, "v");
  `);
  assert.deepEqual(Object.fromEntries(reads), {
    A_B: true,
    C: true,
    D: true,
    E: false,
    F: false,
    G: true,
    ORDERS_KV_PATH: true,
    STOCK_KV_PATH: true,
    PAYMENTS_KV_PATH: true,
    KITCHEN_KV_PATH: true,
  });
});

Deno.test("every variable a process reads is set for it in compose or has a default in code, and compose sets nothing the process ignores", async () => {
  const compose = await composeConfig();
  const problems: string[] = [];
  for (const p of PROCESSES) {
    const reads = await processEnv(p);
    assert.ok(reads.has("LOG_LEVEL"), `the scan found ${p}'s reads (LOG_LEVEL at least)`);
    const set = envOf(compose.services[p]);
    for (const [name, where] of reads) {
      if (!(name in set) && !where.some((r) => r.defaulted)) {
        problems.push(
          `${p} reads ${name} (${where.map((r) => r.file).join(", ")}) with no default; set it in compose`,
        );
      }
    }
    for (const name of Object.keys(set)) {
      if (!reads.has(name) && !RUNTIME_VARS.has(name)) {
        problems.push(`compose sets ${name} for ${p}, but no module of ${p} reads it`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("each process accepts its compose environment, and ports agree with DEFAULT_PORTS, healthchecks, the Dockerfile and web's 8080", async () => {
  const compose = await composeConfig();
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", ROOT));
  const exposed = (dockerfile.match(/^EXPOSE\s+(.+)$/m)?.[1] ?? "").split(/\s+/).map(Number);
  for (const p of PROCESSES) {
    const svc = compose.services[p];
    const config = LOAD_CONFIG[p](envOf(svc)); // throws a ConfigError naming a bad value
    assert.equal(config.port, DEFAULT_PORTS[p], `${p} listens on its DEFAULT_PORTS port`);
    assert.ok(exposed.includes(config.port), `the Dockerfile exposes ${p}'s port ${config.port}`);
    const probe: string[] = svc.healthcheck?.test ?? [];
    assert.ok(probe.includes("scripts/healthcheck.ts"), `${p} is health-checked by scripts/healthcheck.ts`);
    const target = probe.at(-1)!;
    if (p === "web") assert.equal(target, `http://127.0.0.1:${config.port}/readyz`);
    else {
      // over Connect (HTTP/1.1): a gRPC probe's closing GOAWAY can abort the server (deno#36788)
      const connectPort = (config as { connectPort?: number }).connectPort;
      assert.ok(connectPort, `${p} serves Connect in compose (${p.toUpperCase()}_CONNECT_PORT)`);
      assert.equal(target, `connect:${connectPort}`, `${p}'s healthcheck probes its Connect port`);
    }
    assert.deepEqual(svc.command, ["deno", "task", `start:${p}`]);
  }
  const webPorts = portsOf(compose.services.web).map((x) => `${x.hostIp}:${x.published}:${x.target}`);
  assert.deepEqual(
    webPorts,
    [":8080:8080"],
    "web is published on 8080 (every interface) as the seed documents",
  );
});

Deno.test("every container has a healthcheck, services wait for healthy dependencies, and each KV store has its own named volume", async () => {
  const compose = await composeConfig();
  for (const [name, svc] of Object.entries<Json>(compose.services)) {
    assert.ok(svc.healthcheck?.test?.length, `${name} has a healthcheck`);
    assert.equal(svc.container_name, undefined, `${name} has no fixed container name`);
  }
  const volumes = new Map<string, string>();
  for (const p of SERVICES) {
    const svc = compose.services[p];
    assert.equal(svc.ports, undefined, `${p} publishes no host port, so it scales`);
    for (const dep of ["rabbitmq", "consul", "jaeger"]) {
      assert.equal(svc.depends_on?.[dep]?.condition, "service_healthy", `${p} waits for ${dep}`);
    }
    const { kvPath } = LOAD_CONFIG[p](envOf(svc));
    const dir = kvPath!.slice(0, kvPath!.lastIndexOf("/"));
    const mount = (svc.volumes ?? []).map((v: string) => v.split(":")).find((v: string[]) => v[1] === dir);
    assert.ok(mount, `${p} keeps its KV store (${kvPath}) on a volume mounted at ${dir}`);
    assert.ok(mount[0] in (compose.volumes ?? {}), `${mount[0]} is a named volume`);
    assert.ok(!volumes.has(mount[0]), `${mount[0]} belongs to ${p} alone (also ${volumes.get(mount[0])})`);
    volumes.set(mount[0], p);
  }
  for (const p of SERVICES) {
    assert.equal(compose.services.web.depends_on?.[p]?.condition, "service_healthy", `web waits for ${p}`);
  }
  for (const p of ["stock", "payments"]) {
    assert.equal(
      compose.services.orders.depends_on?.[p]?.condition,
      "service_healthy",
      `orders waits for ${p}`,
    );
  }
  assert.equal(compose.services.jaeger.environment.COLLECTOR_OTLP_ENABLED, "true");
});

// --- compose as a deployment ---------------------------------------------------------------------

const RABBITMQ_DIR = new URL("deploy/rabbitmq/", ROOT);
/** The broker user of each service, as CONTRACTS names them (`<OMS_BROKER_USER_PREFIX><service>`). */
const BROKER_USER = (s: string) => `oms-${s}`;
/** The routing keys each service's broker user may publish on the exchange (stock: none). */
const PUBLISHES: Record<typeof SERVICES[number], RegExp | undefined> = {
  orders: /^order\./,
  stock: undefined,
  payments: /^payment\./,
  kitchen: /^kitchen\./,
};

Deno.test("compose refuses to start without each required secret, naming it", async () => {
  await Promise.all(
    Object.keys(SECRETS).map(async (name) => {
      const { [name]: _, ...rest } = DEPLOYMENT;
      const out = await dockerCompose(rest, "config", "-q");
      assert.notEqual(out.code, 0, `docker-compose config accepted a deployment without ${name}`);
      assert.match(out.stderr, new RegExp(`set ${name}\\b`), `the refusal names ${name}`);
    }),
  );
  const empty = await dockerCompose({ ...DEPLOYMENT, OMS_SERVICE_TOKEN: "" }, "config", "-q");
  assert.notEqual(empty.code, 0, "an empty OMS_SERVICE_TOKEN is refused like a missing one");
});

Deno.test("no secret is written in compose.yaml: every password, secret, token and key comes from a variable", async () => {
  const text = await Deno.readTextFile(new URL("compose.yaml", ROOT));
  const raw = await yamlToJson(text); // anchors merged, variables NOT interpolated, comments gone
  assert.doesNotMatch(JSON.stringify(raw), /guest/i, "compose.yaml uses no guest user");
  const secret = /PASSWORD|SECRET|TOKEN|_KEY$/;
  for (const [name, svc] of Object.entries<Json>(raw.services)) {
    for (const [key, value] of Object.entries(envOf(svc))) {
      if (secret.test(key)) {
        assert.match(
          value,
          new RegExp(`^\\$\\{${key}:[?-]`),
          `${name}'s ${key} comes from the variable ${key}`,
        );
      }
      if (key === "AMQP_URL") {
        assert.match(
          value,
          /^amqp:\/\/[a-z-]+:\$\{[A-Z]+_AMQP_PASSWORD:\?[^}]*\}@\$\{RABBITMQ_NODES:-rabbitmq:5672\}$/,
          `${name}'s AMQP_URL takes its password from a required variable`,
        );
      }
    }
  }
  for (const name of Object.keys(SECRETS)) {
    assert.ok(text.includes(`\${${name}:?`), `${name} is required (\${${name}:?...}), never defaulted`);
  }
});

Deno.test("only web is published on every interface; anything else published binds 127.0.0.1; Consul and the services publish nothing", async () => {
  const compose = await composeConfig();
  for (const [name, svc] of Object.entries<Json>(compose.services)) {
    for (const port of portsOf(svc)) {
      if (name === "web") continue;
      assert.equal(port.hostIp, "127.0.0.1", `${name} publishes ${port.published} on 127.0.0.1 only`);
    }
  }
  assert.deepEqual(portsOf(compose.services.consul), [], "Consul (no ACLs) is not published");
  for (const p of SERVICES) {
    assert.deepEqual(portsOf(compose.services[p]), [], `${p}'s gRPC is not published`);
  }
  assert.ok(
    !portsOf(compose.services.rabbitmq).some((p) => p.target === 5672),
    "RabbitMQ's AMQP port is not published",
  );
});

Deno.test("RabbitMQ, Consul, Jaeger and the services' gRPC are on an internal network; only web is on the public one", async () => {
  const compose = await composeConfig();
  const networksOf = (name: string) => Object.keys(compose.services[name].networks ?? {}).sort();
  assert.equal(compose.networks.backend?.internal, true, "the backend network is internal");
  for (const name of [...PROCESSES, "rabbitmq", "consul", "jaeger"]) {
    assert.ok(networksOf(name).includes("backend"), `${name} is on the backend network`);
  }
  assert.deepEqual(networksOf("consul"), ["backend"]);
  for (const p of ["orders", "stock", "kitchen"]) {
    assert.deepEqual(networksOf(p), ["backend"], `${p} is internal only`);
  }
  assert.deepEqual(networksOf("payments"), ["backend", "egress"], "payments also reaches out to Stripe");
  assert.deepEqual(networksOf("web"), ["backend", "public"]);
  for (const [name, svc] of Object.entries<Json>(compose.services)) {
    const nets = Object.keys(svc.networks ?? {});
    if (name !== "web") assert.ok(!nets.includes("public"), `${name} is not on web's public network`);
    if (portsOf(svc).length > 0) {
      assert.ok(
        nets.some((n) => !compose.networks[n]?.internal),
        `${name} publishes a port, so it needs a network that is not internal (ports on internal networks are not published)`,
      );
    }
    if (svc.ports === undefined && name !== "payments" && name !== "web") {
      assert.ok(nets.every((n) => compose.networks[n]?.internal), `${name} is on internal networks only`);
    }
  }
  for (const p of SERVICES) {
    assert.equal(
      compose.services[p].environment.GRPC_HOST,
      "0.0.0.0",
      `${p} listens on its container's networks`,
    );
  }
});

Deno.test("every service and web carry the service credential from OMS_SERVICE_TOKEN and run with OMS_ENV=production", async () => {
  const compose = await composeConfig();
  for (const p of PROCESSES) {
    const env = envOf(compose.services[p]);
    assert.equal(
      env.OMS_SERVICE_TOKEN,
      SECRETS.OMS_SERVICE_TOKEN,
      `${p} has OMS_SERVICE_TOKEN from the variable`,
    );
    assert.equal(env.OMS_ENV, "production", `${p} runs with OMS_ENV=production`);
  }
  const web = envOf(compose.services.web);
  assert.equal(web.ADMIN_PASSWORD, SECRETS.ADMIN_PASSWORD);
  assert.equal(web.WEB_COOKIE_SECRET, SECRETS.WEB_COOKIE_SECRET);
  assert.equal(web.WEB_OPEN_CUSTOMER_API, "false", "customers must prove who they are");
  assert.equal(web.WEB_TRUSTED_PROXIES ?? "", "", "no proxy is trusted unless the deployment names it");
});

Deno.test("each service connects to RabbitMQ as its own user with the password the broker is given; no guest anywhere", async () => {
  const compose = await composeConfig();
  assert.doesNotMatch(JSON.stringify(compose), /guest/i, "the resolved compose file mentions no guest");
  const broker = envOf(compose.services.rabbitmq);
  for (const p of SERVICES) {
    const env = envOf(compose.services[p]);
    const url = new URL(env.AMQP_URL!.replace(/^amqp:/, "http:"));
    const prefix = env.OMS_BROKER_USER_PREFIX ?? "oms-";
    assert.equal(decodeURIComponent(url.username), `${prefix}${p}`, `${p} logs in as ${prefix}${p}`);
    assert.equal(
      decodeURIComponent(url.username),
      BROKER_USER(p),
      `${p}'s user is the one definitions.json makes`,
    );
    const variable = `${p.toUpperCase()}_AMQP_PASSWORD`;
    assert.equal(decodeURIComponent(url.password), SECRETS[variable], `${p}'s password is ${variable}`);
    assert.equal(broker[variable], SECRETS[variable], `the broker is given ${variable} too`);
    assert.equal(url.hostname, "rabbitmq");
  }
  assert.equal(broker.RABBITMQ_ADMIN_PASSWORD, SECRETS.RABBITMQ_ADMIN_PASSWORD);
});

Deno.test("RabbitMQ loads deploy/rabbitmq/definitions.json, rendered from the environment, and guest may not log in remotely", async () => {
  const compose = await composeConfig();
  const rabbit = compose.services.rabbitmq;
  const mounts = (rabbit.volumes ?? []).map((v: Json) =>
    typeof v === "string" ? v.split(":") : [v.source, v.target, v.read_only ? "ro" : "rw"]
  );
  const mountOf = (target: string) => mounts.find((m: string[]) => m[1] === target);
  const dir = mountOf("/etc/oms/rabbitmq");
  assert.ok(dir, "deploy/rabbitmq is mounted at /etc/oms/rabbitmq");
  assert.equal(dir[0], new URL("deploy/rabbitmq", ROOT).pathname, "from the repository's deploy/rabbitmq");
  const conf = mountOf("/etc/rabbitmq/conf.d/20-oms.conf");
  assert.ok(conf, "deploy/rabbitmq/rabbitmq.conf is mounted into conf.d, after the image's 10-defaults.conf");
  assert.equal(conf[0], new URL("deploy/rabbitmq/rabbitmq.conf", ROOT).pathname);
  assert.deepEqual(
    rabbit.entrypoint,
    ["sh", "/etc/oms/rabbitmq/entrypoint.sh", "docker-entrypoint.sh"],
    "the entrypoint renders the definitions, then runs the image's own",
  );

  const settings = (await Deno.readTextFile(new URL("rabbitmq.conf", RABBITMQ_DIR))).split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => l.split("=").map((x) => x.trim()));
  const setting = (key: string) => settings.find(([k]) => k === key)?.[1];
  assert.equal(
    setting("loopback_users.guest"),
    "true",
    "guest, if an old volume has it, logs in from localhost only",
  );
  assert.equal(setting("default_pass"), undefined, "no default password in rabbitmq.conf");
  const script = await Deno.readTextFile(new URL("entrypoint.sh", RABBITMQ_DIR));
  const defaultOf = (name: string) => script.match(new RegExp(`\\$\\{${name}:-([^}]+)\\}`))?.[1];
  assert.equal(
    setting("load_definitions"),
    defaultOf("RABBITMQ_DEFINITIONS_FILE"),
    "it loads what the entrypoint writes",
  );
  assert.equal(defaultOf("OMS_DEFINITIONS_TEMPLATE"), "/etc/oms/rabbitmq/definitions.json");
  for (
    const name of Object.keys(SECRETS).filter((n) =>
      n.endsWith("_AMQP_PASSWORD") || n.startsWith("RABBITMQ_")
    )
  ) {
    assert.ok(script.includes(name), `the entrypoint fills ${name}`);
  }
});

Deno.test("definitions.json: oms-admin and one user per service, passwords only as placeholders, each service publishing only its own routing keys", async () => {
  const defs = JSON.parse(await Deno.readTextFile(new URL("definitions.json", RABBITMQ_DIR)));
  const users = new Map<string, Json>(defs.users.map((u: Json) => [u.name, u]));
  assert.deepEqual([...users.keys()].sort(), ["oms-admin", ...SERVICES.map(BROKER_USER)].sort());
  assert.deepEqual(users.get("oms-admin").tags, ["administrator"]);
  assert.equal(users.get("oms-admin").password, "${RABBITMQ_ADMIN_PASSWORD}");
  for (const p of SERVICES) {
    const user = users.get(BROKER_USER(p));
    assert.equal(
      user.password,
      `\${${p.toUpperCase()}_AMQP_PASSWORD}`,
      `${user.name}'s password comes from the environment`,
    );
    assert.deepEqual(user.tags, [], `${user.name} has no management tags`);
    assert.equal(user.password_hash, undefined);
  }
  assert.deepEqual(defs.vhosts, [{ name: "/" }]);

  const matches = (pattern: string, value: string) => new RegExp(pattern).test(value);
  const keys = ["order.created", "order.paid", "payment.succeeded", "payment.failed", "kitchen.ticket_ready"];
  for (const p of SERVICES) {
    const user = BROKER_USER(p);
    const perm = defs.permissions.find((x: Json) => x.user === user && x.vhost === "/");
    assert.ok(perm, `${user} has permissions on /`);
    for (const q of [`oms.${p}`, "oms.events", "oms.kitchen", `oms.${p}.retry.1000ms`]) {
      assert.ok(
        matches(perm.configure, q) && matches(perm.read, q) && matches(perm.write, q),
        `${user} may use ${q}`,
      );
    }
    assert.ok(matches(perm.write, "amq.default"), `${user} may send retries through the default exchange`);
    assert.ok(
      !matches(perm.configure, "amq.rabbitmq.trace") && !matches(perm.configure, "other"),
      `${user} is held to oms.*`,
    );

    const topics = defs.topic_permissions.filter((x: Json) => x.user === user);
    assert.equal(topics.length, 1, `${user} has topic permissions (none would allow every routing key)`);
    assert.equal(topics[0].exchange, "oms.events");
    assert.equal(topics[0].vhost, "/");
    for (const key of keys) {
      const own = PUBLISHES[p]?.test(key) ?? false;
      assert.equal(matches(topics[0].write, key), own, `${user} ${own ? "may" : "may not"} publish ${key}`);
    }
    assert.ok(!matches(topics[0].write, "order.created.extra"), `${user} publishes one-word facts only`);
  }
  assert.ok(!defs.topic_permissions.some((x: Json) => x.user === "oms-admin"), "oms-admin is not a service");
  assert.doesNotMatch(JSON.stringify(defs), /guest/);
});

Deno.test("payments in compose refuses the local provider unless PAYMENTS_ALLOW_LOCAL_PROVIDER=true, and takes Stripe's keys", async () => {
  const secretsOnly = await composeConfig(SECRETS);
  assert.equal(envOf(secretsOnly.services.payments).PAYMENTS_ALLOW_LOCAL_PROVIDER, "false");
  assert.throws(
    () => paymentsConfig(envOf(secretsOnly.services.payments)),
    (err) => err instanceof ConfigError && err.variable === "PAYMENTS_ALLOW_LOCAL_PROVIDER",
  );
  const trial = await composeConfig({ ...SECRETS, PAYMENTS_ALLOW_LOCAL_PROVIDER: "true" });
  assert.equal(paymentsConfig(envOf(trial.services.payments)).localProvider, "allowed");
  const shop = await composeConfig();
  assert.equal(paymentsConfig(envOf(shop.services.payments)).stripe?.secretKey, "sk_test_compose");
});

Deno.test("the image runs its processes as the non-root deno user", async () => {
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", ROOT));
  const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
  assert.equal(users.at(-1), "deno", "the last USER of the Dockerfile is deno");
});

// gRPC server reflection (services/common/grpc_reflection.ts) reads the descriptor set `deno task gen`
// writes beside the generated stubs; the image must carry it.
Deno.test("the image ships the descriptor set gRPC reflection serves", async () => {
  const { DESCRIPTOR_SET } = await import("../services/common/grpc_reflection.ts");
  const path = DESCRIPTOR_SET.href.slice(ROOT.href.length);
  assert.ok((await Deno.stat(DESCRIPTOR_SET)).size > 0, `${path} exists`);
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", ROOT));
  assert.match(dockerfile, /^COPY\s+(--\S+\s+)*\.\s+\.\s*$/m, "the Dockerfile copies the build context");
  const ignored = (await Deno.readTextFile(new URL(".dockerignore", ROOT))).split("\n")
    .map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  // a .dockerignore pattern as a RegExp: `**/` any folders, `*` within one name; it also covers what is below
  const matches = (pattern: string) => {
    const parts = pattern.replace(/^\//, "").replace(/\/$/, "").split("**/").map((part) =>
      part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")
    );
    return new RegExp(`^${parts.join("(.*/)?")}(/.*)?$`).test(path);
  };
  assert.deepEqual(ignored.filter(matches), [], `.dockerignore leaves out ${path}`);
});

// --- profile remote-kv (issue 11): a denokv server per service, so replicas share their store --------

/** A deployment with the remote-kv profile on, as README's "Replicas on remote KV" sets it in .env. */
const REMOTE_KV: Record<string, string> = {
  ...DEPLOYMENT,
  COMPOSE_PROFILES: "remote-kv",
  DENO_KV_ACCESS_TOKEN: randomHex(32),
  ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_KV_PATH`, `http://denokv-${s}:4512`])),
};

Deno.test("profile remote-kv: a denokv server per service (own volume, internal, token required), each service's store on its server", async () => {
  const out = await dockerCompose(REMOTE_KV, "--profile", "remote-kv", "config", "-q");
  assert.equal(out.code, 0, `docker-compose rejected the remote-kv profile:\n${out.stderr}`);
  const compose = await composeConfig(REMOTE_KV);
  const volumes = new Set<string>();
  for (const p of SERVICES) {
    const name = `denokv-${p}`;
    const server = compose.services[name];
    assert.ok(server, `${name} exists`);
    assert.deepEqual(server.profiles, ["remote-kv"], `${name} runs with the remote-kv profile only`);
    assert.match(server.image, /^ghcr\.io\/denoland\/denokv:/);
    const script = [...server.entrypoint, ...server.command].join(" ");
    assert.match(
      script,
      /exec \/usr\/local\/bin\/denokv --sqlite-path \/data\/denokv\.sqlite serve --addr 0\.0\.0\.0:4512 --access-token "\$\$?DENO_KV_ACCESS_TOKEN"/,
    );
    assert.match(
      script,
      /^\/busybox\/sh -c test -n "\$\$?DENO_KV_ACCESS_TOKEN" \|\| \{[^}]*exit 1; \};/,
      "no empty token",
    );
    assert.equal(server.environment.DENO_KV_ACCESS_TOKEN, REMOTE_KV.DENO_KV_ACCESS_TOKEN);
    assert.deepEqual(portsOf(server), [], `${name} is not published`);
    assert.deepEqual(
      Object.keys(server.networks ?? {}),
      ["backend"],
      `${name} is on the internal network only`,
    );
    assert.match(
      server.healthcheck.test.join(" "),
      /--post-data '\{"supportedVersions":\[2,3\]\}' http:\/\/127\.0\.0\.1:4512\//,
    );
    const mount = (server.volumes ?? []).map((v: string) => v.split(":")).find((v: string[]) =>
      v[1] === "/data"
    );
    assert.ok(mount && mount[0] in compose.volumes, `${name} keeps its SQLite file on a named volume`);
    assert.ok(!volumes.has(mount[0]), `${mount[0]} belongs to ${name} alone`);
    volumes.add(mount[0]);

    const svc = compose.services[p];
    assert.equal(svc.container_name, undefined, `${p} can be scaled`);
    const { kvPath } = LOAD_CONFIG[p](envOf(svc));
    assert.equal(kvPath, `http://denokv-${p}:4512`, `${p}'s store is its own denokv server`);
    assert.throws(
      () => LOAD_CONFIG[p]({ ...envOf(svc), DENO_KV_ACCESS_TOKEN: "" }),
      (e: unknown) => e instanceof ConfigError && e.variable === "DENO_KV_ACCESS_TOKEN",
      `${p} refuses a KV Connect URL without the token`,
    );
  }
  const plain = await composeConfig();
  for (const p of SERVICES) {
    assert.equal(
      LOAD_CONFIG[p](envOf(plain.services[p])).kvPath,
      `/data/${p}.kv`,
      `${p} keeps a file without the profile`,
    );
  }
});

Deno.test("Prometheus scrapes every process on the metrics port compose gives it; Grafana gets the datasource and the dashboards in deploy/grafana", async () => {
  const compose = await composeConfig();
  const scrape = await yamlToJson(await Deno.readTextFile(new URL("deploy/prometheus/prometheus.yml", ROOT)));
  const jobs = new Map<string, Json>(scrape.scrape_configs.map((j: Json) => [j.job_name, j]));
  for (const p of PROCESSES) {
    const env = envOf(compose.services[p]);
    const port = env[`${p.toUpperCase()}_METRICS_PORT`];
    assert.ok(port, `${p} serves metrics (${p.toUpperCase()}_METRICS_PORT is set)`);
    assert.equal(env.METRICS_HOST, "0.0.0.0", `${p}'s metrics port listens on its container's networks`);
    assert.deepEqual(
      portsOf(compose.services[p]).filter((x) => x.target === Number(port)),
      [],
      `${p}'s metrics port is not published`,
    );
    const sd = jobs.get(p)?.dns_sd_configs?.[0];
    assert.deepEqual(sd?.names, [p], `Prometheus finds every ${p} replica by DNS`);
    assert.equal(String(sd?.port), port, `Prometheus scrapes ${p} on ${port}`);
  }
  const mounts = (name: string) =>
    (compose.services[name].volumes ?? []).map((v: Json) =>
      typeof v === "string" ? v : `${v.source}:${v.target}`
    );
  assert.ok(
    mounts("prometheus").some((v: string) =>
      v.includes("deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml")
    ),
  );
  assert.ok(
    mounts("grafana").some((v: string) =>
      v.includes("deploy/grafana/provisioning:/etc/grafana/provisioning")
    ),
  );
  assert.ok(
    mounts("grafana").some((v: string) =>
      v.includes("deploy/grafana/dashboards:/var/lib/grafana/dashboards")
    ),
  );
  const ds = await yamlToJson(
    await Deno.readTextFile(new URL("deploy/grafana/provisioning/datasources/prometheus.yaml", ROOT)),
  );
  assert.equal(ds.datasources[0].url, "http://prometheus:9090");
  for (const file of ["oms-red", "oms-orders", "oms-messaging"]) {
    const dash = JSON.parse(await Deno.readTextFile(new URL(`deploy/grafana/dashboards/${file}.json`, ROOT)));
    assert.equal(dash.uid, file);
    for (const panel of dash.panels) {
      assert.equal(
        panel.datasource.uid,
        ds.datasources[0].uid,
        `${file}: "${panel.title}" uses the provisioned datasource`,
      );
    }
  }
  const gf = envOf(compose.services.grafana);
  assert.equal(compose.services.grafana.depends_on?.prometheus?.condition, "service_healthy");
  assert.equal(gf.GF_USERS_ALLOW_SIGN_UP, "false");
});

// --- profile `cluster`: three RabbitMQ nodes (slice quorum) ---------------------------------------

const NODES = ["rabbitmq", "rabbitmq-2", "rabbitmq-3"];
const CLUSTER: Record<string, string> = {
  ...DEPLOYMENT,
  RABBITMQ_ERLANG_COOKIE: randomHex(32),
  RABBITMQ_NODES: NODES.map((n) => `${n}:5672`).join(","),
};

Deno.test("profile cluster: three RabbitMQ nodes sharing one Erlang cookie, the extra two joining rabbit@rabbitmq, each on its own volume, none published", async () => {
  const out = await dockerCompose(CLUSTER, "--profile", "cluster", "config");
  assert.equal(out.code, 0, `docker-compose --profile cluster config failed:\n${out.stderr}`);
  const compose = await yamlToJson(out.stdout);
  const volumes = new Set<string>();
  for (const name of NODES) {
    const node = compose.services[name];
    assert.ok(node, `${name} is in the cluster profile`);
    assert.equal(node.hostname, name, `${name}'s node name is rabbit@${name}`);
    assert.equal(
      envOf(node).RABBITMQ_ERLANG_COOKIE,
      CLUSTER.RABBITMQ_ERLANG_COOKIE,
      `${name} shares the cookie`,
    );
    assert.deepEqual(Object.keys(node.networks ?? {}).filter((n) => n !== "ops"), ["backend"]);
    assert.ok(node.healthcheck?.test?.length, `${name} has a healthcheck`);
    assert.ok(!portsOf(node).some((p) => p.target === 5672), `${name}'s AMQP port is not published`);
    for (
      const key of Object.keys(SECRETS).filter((k) =>
        k.endsWith("_AMQP_PASSWORD") || k.startsWith("RABBITMQ_")
      )
    ) {
      assert.equal(envOf(node)[key], CLUSTER[key], `${name} renders the same definitions (${key})`);
    }
    const mounts: string[][] = (node.volumes ?? []).map((v: string) => v.split(":"));
    const data = mounts.find((m) => m[1] === "/var/lib/rabbitmq")?.[0];
    assert.ok(data && !volumes.has(data), `${name} keeps its data on a volume of its own`);
    volumes.add(data);
    assert.ok(
      mounts.some((m) => m[1] === "/etc/rabbitmq/conf.d/30-oms-replicas.conf"),
      `${name} grows replicas`,
    );
    const joins = mounts.some((m) => m[1] === "/etc/rabbitmq/conf.d/40-oms-cluster.conf");
    assert.equal(
      joins,
      name !== "rabbitmq",
      `${name} ${name === "rabbitmq" ? "starts alone" : "joins rabbitmq"}`,
    );
    if (name !== "rabbitmq") {
      assert.deepEqual(node.profiles, ["cluster"], `${name} runs in the cluster profile only`);
      assert.equal(node.depends_on?.rabbitmq?.condition, "service_healthy", `${name} waits for rabbitmq`);
      assert.equal(
        envOf(node).OMS_REQUIRE_ERLANG_COOKIE,
        "true",
        `${name} refuses to start without the cookie`,
      );
    }
  }
  const clusterConf = await Deno.readTextFile(new URL("cluster.conf", RABBITMQ_DIR));
  assert.match(clusterConf, /^cluster_formation\.peer_discovery_backend = classic_config$/m);
  assert.match(clusterConf, /^cluster_formation\.classic_config\.nodes\.1 = rabbit@rabbitmq$/m);
  const replicas = await Deno.readTextFile(new URL("replicas.conf", RABBITMQ_DIR));
  assert.match(replicas, new RegExp(`target_group_size = ${NODES.length}$`, "m"), "one replica per node");
});

Deno.test("profile cluster: every service is given the three nodes as its own broker user and accepts them; without RABBITMQ_NODES the single node", async () => {
  const out = await dockerCompose(CLUSTER, "--profile", "cluster", "config");
  assert.equal(out.code, 0, out.stderr);
  const cluster = await yamlToJson(out.stdout);
  const single = await composeConfig();
  for (const p of SERVICES) {
    const env = envOf(cluster.services[p]);
    const urls = parseAmqpUrls(env.AMQP_URL!);
    assert.deepEqual(
      urls.map((u) => new URL(u.replace(/^amqp:/, "http:")).host),
      NODES.map((n) => `${n}:5672`),
    );
    for (const u of urls) assert.equal(new URL(u.replace(/^amqp:/, "http:")).username, BROKER_USER(p));
    LOAD_CONFIG[p](env); // accepts the list (throws a ConfigError naming AMQP_URL otherwise)
    assert.deepEqual(parseAmqpUrls(envOf(single.services[p]).AMQP_URL!).length, 1, `${p} alone: one node`);
  }
});

Deno.test("deploy/rabbitmq/entrypoint.sh writes the shared Erlang cookie, and a joining node refuses to start without one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "oms-cookie-" });
  try {
    const base = {
      ...Object.fromEntries(
        Object.entries(SECRETS).filter(([k]) => k.endsWith("_AMQP_PASSWORD") || k.startsWith("RABBITMQ_")),
      ),
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      OMS_DEFINITIONS_TEMPLATE: new URL("definitions.json", RABBITMQ_DIR).pathname,
      RABBITMQ_DEFINITIONS_FILE: `${dir}/definitions.json`,
      OMS_ERLANG_COOKIE_FILE: `${dir}/cookie`,
    };
    const script = new URL("entrypoint.sh", RABBITMQ_DIR).pathname;
    const cookie = randomHex(32);
    const ok = await run("sh", [script, "sh", "-c", 'printf "%s" "${RABBITMQ_ERLANG_COOKIE:-unset}"'], {
      env: { ...base, RABBITMQ_ERLANG_COOKIE: cookie },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(await Deno.readTextFile(`${dir}/cookie`), cookie);
    assert.equal((await Deno.stat(`${dir}/cookie`)).mode! & 0o777, 0o400, "readable by its owner only");
    assert.equal(
      ok.stdout,
      "unset",
      "the server does not see the variable (the file is the way RabbitMQ reads it)",
    );
    const missing = await run("sh", [script, "true"], {
      env: { ...base, OMS_REQUIRE_ERLANG_COOKIE: "true" },
    });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /set RABBITMQ_ERLANG_COOKIE/);
    const bad = await run("sh", [script, "true"], { env: { ...base, RABBITMQ_ERLANG_COOKIE: "short;rm" } });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /letters and digits/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
