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
 * when the Deno runtime itself crashes (see runtime_abort.ts), only that part runs again, once. Parts in
 * one stage would run at the same time (the first streams its output, the others' is printed after it
 * ends; each takes its test ports from its own range). Today every stage is one part: with the browser
 * tests beside the other system tests CI took 14.5 instead of 19 minutes, but on 2 cores the load made
 * timing-sensitive system tests flaky (a RabbitMQ test cluster booting, a delivery retried).
 */
const stages: string[][][] = custom ? [[Deno.args]] : [[["services"]], [["web"]], [["scripts"]], [["tests"]]];

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

/** Runs `part` (once more if the runtime crashed); its JUnit report, or a crash report. */
async function runPart(
  part: string[],
  index: number,
  stream: boolean,
  ports?: string,
): Promise<{ code: number; report: string }> {
  const junit = `.test-results/junit-${index}.xml`;
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
  if (!stream) {
    console.error(`\ntest: output of ${part.join(" ")} (ran beside the part above)`);
    for (const chunk of result.output) await Deno.stdout.write(chunk);
  }
  let report: string;
  try {
    report = await Deno.readTextFile(junit);
  } catch {
    report = crashReport(part, result.code);
  }
  return { code: result.code, report };
}

let code = 0;
const reports: string[] = [];
let index = 0;
for (const stage of stages) {
  const first = index;
  index += stage.length;
  // parts side by side take their test ports from disjoint ranges (scripts/launcher.ts freePort)
  const results = await Promise.all(
    stage.map((part, i) =>
      runPart(
        part,
        first + i,
        i === 0,
        stage.length > 1 ? `${10_000 + i * 10_000}-${19_999 + i * 10_000}` : undefined,
      )
    ),
  );
  for (const r of results) {
    if (r.code !== 0) code = r.code;
    reports.push(r.report);
  }
}
await Deno.writeTextFile(".test-results/junit.xml", mergeJunit(reports));
Deno.exit(code);
