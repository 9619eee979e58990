/**
 * `deno task test`: makes sure a real RabbitMQ is reachable (starting an installed one if needed; a
 * clear error if there is none), installs the Debian packages the suites drive (chromium for the
 * browser tests, docker-compose to validate compose.yaml) when they are missing and this is a Debian
 * machine where we are root, then runs every suite and writes JUnit results to
 * `.test-results/junit.xml`. Extra arguments go to `deno test` (e.g. a path or `--filter`).
 *
 * @module
 */
import { brokerReachable, findRabbitmqServer, startInstalledBroker } from "./broker.ts";
import { managementReachable } from "./broker_admin.ts";
import { versionWarning } from "./deno_version.ts";
import { isRuntimeCrash } from "./runtime_abort.ts";
import { crashReport, mergeJunit } from "./junit_merge.ts";

const versionNote = versionWarning();
if (versionNote) console.error(versionNote);

const url = Deno.env.get("AMQP_URL") || "amqp://guest:guest@127.0.0.1:5672";

if (!(await brokerReachable(url))) {
  const binary = findRabbitmqServer();
  if (!binary) {
    console.error(
      `test: no RabbitMQ at ${url.replace(/\/\/[^@]*@/, "//")} and none installed. ` +
        "Install it (apt-get install rabbitmq-server) or set AMQP_URL to a reachable broker.",
    );
    Deno.exit(1);
  }
  console.error(`test: no RabbitMQ at ${url.replace(/\/\/[^@]*@/, "//")}; starting ${binary} -detached ...`);
  if (!(await startInstalledBroker(url, binary))) {
    console.error("test: RabbitMQ did not start within 90 s; see /var/log/rabbitmq/");
    Deno.exit(1);
  }
  console.error("test: RabbitMQ started");
}

// Every test system creates its own broker users (scripts/broker_users.ts): through the management API
// in milliseconds, through rabbitmqctl in seconds. Enable the plugin once when we can (idempotent).
if (!(await managementReachable(url))) {
  const plugins = "/usr/sbin/rabbitmq-plugins";
  if (exists(plugins) && Deno.uid() === 0) {
    console.error("test: enabling RabbitMQ's management plugin (broker users for each test system) ...");
    const r = await new Deno.Command(plugins, {
      args: ["enable", "rabbitmq_management"],
      stdout: "null",
      stderr: "inherit",
    }).output();
    const end = Date.now() + 30_000;
    while (r.success && Date.now() < end && !(await managementReachable(url))) {
      await new Promise((res) => setTimeout(res, 300));
    }
  }
  if (!(await managementReachable(url))) {
    console.error(
      "test: RabbitMQ's management API is not reachable; broker users are made with rabbitmqctl (slower)",
    );
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const needed = [["/usr/bin/chromium", "chromium"], ["/usr/bin/docker-compose", "docker-compose"]]
  .filter(([bin]) => !exists(bin!)).map(([, pkg]) => pkg!);
if (needed.length > 0) {
  if (exists("/usr/bin/apt-get") && Deno.uid() === 0) {
    console.error(`test: installing ${needed.join(", ")} from Debian's packages ...`);
    const quiet = { stdout: "null", stderr: "inherit" } as const;
    await new Deno.Command("apt-get", { args: ["update", "-qq"], ...quiet }).output();
    const r = await new Deno.Command("apt-get", {
      args: ["install", "-y", "-qq", ...needed],
      env: { DEBIAN_FRONTEND: "noninteractive" },
      ...quiet,
    }).output();
    if (!r.success) {
      console.error(`test: could not install ${needed.join(", ")}; the tests that need them will fail`);
    }
  } else {
    console.error(
      `test: ${needed.join(", ")} missing (apt-get install ${
        needed.join(" ")
      }); the tests that need them will fail`,
    );
  }
}

await Deno.mkdir(".test-results", { recursive: true });
const custom = Deno.args.length > 0;
/**
 * The suite runs in parts, each its own `deno test` process with its own JUnit file, merged at the end:
 * when the Deno runtime itself crashes (see runtime_abort.ts), only that part runs again, once.
 *
 * A stage's lanes run side by side, each lane's parts one after another; the stages run one after
 * another. The suite is mostly waiting (processes starting, events crossing the broker, a browser
 * rendering): one lane alone kept about a quarter of 2 cores busy, and the whole suite took 19 minutes
 * in one lane. The first stage's two lanes are balanced by time (the system tests, the services' and the
 * scripts' unit tests; the browser tests and web's), each taking its test ports from its own range
 * (scripts/launcher.ts freePort); the first lane's output streams, the other's is printed after it.
 * What measures the machine itself runs alone afterwards: the export test holds the web process's
 * memory growth to a bound that CPU contention from a second lane can push it over.
 */
const ALONE = ["tests/orders_export_test.ts"];
const stages: string[][][][] = custom ? [[[Deno.args]]] : [
  [
    [[`--ignore=tests/browser,${ALONE.join(",")}`, "tests"], ["services"], ["scripts"]],
    [[`--ignore=${ALONE.join(",")}`, "tests/browser"], ["web"]],
  ],
  [[ALONE]],
];

/** Runs `deno test` on `part` once; its output streams or is kept; tells whether the runtime crashed. */
async function runOnce(
  part: string[],
  junit: string,
  stream: boolean,
  ports: string | undefined,
): Promise<{ code: number; crashed: boolean; output: Uint8Array[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", `--junit-path=${junit}`, ...part],
    ...(ports ? { env: { OMS_TEST_PORTS: ports } } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: Uint8Array[] = [];
  const pass = async (from: ReadableStream<Uint8Array>, to: { write(p: Uint8Array): Promise<number> }) => {
    for await (const chunk of from) {
      if (stream) await to.write(chunk);
      else output.push(chunk);
    }
  };
  await Promise.all([pass(child.stdout, Deno.stdout), pass(child.stderr, Deno.stderr)]);
  const status = await child.status;
  return { code: status.code, crashed: isRuntimeCrash(status), output };
}

/** What running one part left: its exit code, JUnit report, kept output and wall time. */
interface PartResult {
  part: string[];
  code: number;
  report: string;
  /** Its output, when it did not stream. */
  output: Uint8Array[];
  seconds: number;
}

/** Runs `part` (once more if the runtime crashed); its JUnit report, or a crash report. */
async function runPart(part: string[], id: string, stream: boolean, ports?: string): Promise<PartResult> {
  const started = performance.now();
  const junit = `.test-results/junit-${id}.xml`;
  await Deno.remove(junit).catch(() => {});
  let result = await runOnce(part, junit, stream, ports);
  if (result.crashed) {
    console.error(
      `test: the Deno runtime crashed while running ${
        part.join(" ")
      } (exit ${result.code}), which is not a ` +
        "test failure (see scripts/runtime_abort.ts); running that part once more",
    );
    result = await runOnce(part, junit, stream, ports);
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  if (stream) console.error(`test: ${part.join(" ")} took ${seconds} s`);
  let report: string;
  try {
    report = await Deno.readTextFile(junit);
  } catch {
    report = crashReport(part, result.code);
  }
  return { part, code: result.code, report, output: result.output, seconds };
}

/** Runs the parts of `lane` one after another (lane 0's output streams); their results in order. */
async function runLane(stage: number, lanes: string[][][], lane: number): Promise<PartResult[]> {
  const results: PartResult[] = [];
  const ports = lanes.length > 1 ? `${10_000 + lane * 10_000}-${19_999 + lane * 10_000}` : undefined;
  for (const [i, part] of lanes[lane]!.entries()) {
    results.push(await runPart(part, `${stage}-${lane}-${i}`, lane === 0, ports));
  }
  return results;
}

let code = 0;
const reports: string[] = [];
for (const [stage, lanes] of stages.entries()) {
  const [first, ...others] = lanes.map((_, lane) => runLane(stage, lanes, lane));
  const done = [await first!, ...(await Promise.all(others))];
  for (const [lane, results] of done.entries()) {
    for (const r of results) {
      if (lane > 0) {
        // the other lanes' output, kept while the first lane's streamed, is printed after it
        console.error(`\ntest: output of ${r.part.join(" ")} (ran beside the first lane)`);
        for (const chunk of r.output) await Deno.stdout.write(chunk);
        console.error(`test: ${r.part.join(" ")} took ${r.seconds} s`);
      }
      if (r.code !== 0) code = r.code;
      reports.push(r.report);
    }
  }
}
await Deno.writeTextFile(".test-results/junit.xml", mergeJunit(reports));
Deno.exit(code);
