/**
 * compose.yaml against Docker Compose and against the code. No Docker engine runs here, so the file is
 * validated by Debian's docker-compose (`config`, which understands the compose spec including
 * healthcheck conditions) and then checked against what the code really reads: the environment
 * variables of every process are found by scanning the modules of its import graph (`deno info`), so a
 * variable added anywhere in a process's code is held to this test at once.
 *
 * The resolved file (`docker-compose config`) is YAML; it is turned into JSON with the Python YAML
 * module docker-compose itself depends on (no YAML parser is among the project's imports).
 */
import assert from "node:assert/strict";
import { DEFAULT_PORTS } from "../services/common/config.ts";
import { loadConfig as kitchenConfig } from "../services/kitchen/config.ts";
import { loadConfig as ordersConfig } from "../services/orders/config.ts";
import { loadConfig as paymentsConfig } from "../services/payments/config.ts";
import { loadConfig as stockConfig } from "../services/stock/config.ts";
import { loadConfig as webConfig } from "../web/config.ts";

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
/** Variables compose may set that no module reads: the Deno runtime reads them itself. */
const RUNTIME_VARS = new Set(["DENO_KV_ACCESS_TOKEN", "NO_COLOR", "DENO_DIR"]);

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

async function dockerCompose(...args: string[]) {
  try {
    // a clean environment, so the file's own defaults apply (not the developer's ADMIN_PASSWORD, ...)
    return await run("docker-compose", ["-f", "compose.yaml", ...args], {
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/root" },
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

let resolved: Promise<Json> | undefined;
/** compose.yaml as docker-compose resolves it (anchors merged, variables interpolated), as JSON. */
function composeConfig(): Promise<Json> {
  resolved ??= (async () => {
    const out = await dockerCompose("config");
    assert.equal(out.code, 0, `docker-compose config failed:\n${out.stderr}`);
    const json = await run("python3", [
      "-c",
      "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
    ], { stdin: out.stdout });
    assert.equal(json.code, 0, `Could not read docker-compose's YAML with python3-yaml:\n${json.stderr}`);
    return JSON.parse(json.stdout);
  })();
  return resolved;
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

/** Variables read by the code of `process`: name -> the reads. */
async function processEnv(process: Process): Promise<Map<string, EnvRead[]>> {
  const vars = new Map<string, EnvRead[]>();
  for (const file of await graphFiles(ENTRY[process])) {
    for (const [name, defaulted] of envReads(await Deno.readTextFile(file))) {
      const list = vars.get(name) ?? [];
      list.push({ file: file.slice(ROOT.pathname.length), defaulted });
      vars.set(name, list);
    }
  }
  return vars;
}

function envOf(service: Json): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? "")]));
}

Deno.test("docker-compose validates compose.yaml (compose spec, healthcheck conditions)", async () => {
  const out = await dockerCompose("config", "-q");
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
    else assert.equal(target, String(config.port), `${p}'s healthcheck probes its gRPC port`);
    assert.deepEqual(svc.command, ["deno", "task", `start:${p}`]);
  }
  const webPorts = compose.services.web.ports.map((x: Json) => `${x.published}:${x.target}`);
  assert.deepEqual(webPorts, ["8080:8080"], "web is published on 8080 as the seed documents");
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
  const published = (name: string) =>
    (compose.services[name].ports ?? []).map((x: Json) => Number(x.published)).sort((a: number, b: number) =>
      a - b
    );
  assert.deepEqual(published("rabbitmq"), [5672, 15672]);
  assert.deepEqual(published("consul"), [8500]);
  assert.deepEqual(published("jaeger"), [16686]);
  assert.equal(compose.services.jaeger.environment.COLLECTOR_OTLP_ENABLED, "true");
});
