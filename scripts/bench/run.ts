/**
 * One bench run: the floor (its own process), then the system (its own processes) under the load
 * generator (its own process, following each order as the storefront does: its default `--follow
 * stream`), with every process's CPU and RSS read from the OS around the load, and paid -> kitchen
 * ticket read from the kitchen's store afterwards.
 *
 * A warm-up load (`--warmup`, default 10 s; its orders and figures not counted) runs first, so the
 * processes are measured warm, as the floor's primitives are after their warm-up; the kitchen then
 * finishes its last tickets. The load window runs from just before the measured load generator starts until its last visit has ended and
 * the kitchen has had time to prepare the last tickets (two auto-prep steps and a second), so it holds
 * every step of every order the load placed; the load generator's final check (a read of every order,
 * `--hold-check`) runs after it and is not counted. Every process's CPU in that window is divided by the
 * orders the load placed.
 *
 * @module
 */
import type { Report as LoadReport } from "../load/report.ts";
import { type Floor, meanFloor } from "./floor/floor.ts";
import { paidToTicketFromStore } from "./kitchen_latency.ts";
import { waitForQuiet } from "./quiet.ts";
import type { BenchOptions } from "./options.ts";
import {
  CENSUS_WRITE_MS,
  type CensusCounts,
  censusDelta,
  KV_CENSUS_VAR,
  readCensus,
} from "../../services/common/kv_census.ts";
import { kvCensusRows } from "./kv_census_table.ts";
import { type MemoryTogether, SAMPLE_EVERY_MS, sampleTogether } from "./memory_together.ts";
import { currentRssKb, findBrokerPid, procUsage } from "./procfs.ts";
import { readThreadCpu, type ThreadCpu, threadCpuDelta } from "./threads.ts";
import { BENCH_PROCESSES, type BenchInputs, type BenchProcess, type ProcessReading } from "./report.ts";
import { type BenchSystem, startBenchSystem, startOneProcessBenchSystem } from "./system.ts";
import type { ProgramName } from "../launcher.ts";
import { amqpHostPort } from "../broker.ts";
import { STEPS } from "../load/stats.ts";
import { HOLD_LINE } from "../load/options.ts";

const FLOOR_MAIN = new URL("./floor/main.ts", import.meta.url).pathname;
const LOAD_MAIN = new URL("../load.ts", import.meta.url).pathname;

const STEP_NAMES: Record<(typeof STEPS)[number], string> = {
  browse: "browse (GET /api/products)",
  storefront: "storefront (GET /)",
  checkout: "checkout (POST order)",
  pay: "pay (local provider)",
  cancel: "cancel",
  payToPaid: "pay -> paid (timeline)",
  timeToPaid: "pay -> seen paid",
  timeToCancelled: "cancel/decline -> seen cancelled",
};

/** Progress lines go here (stderr). */
export type Say = (line: string) => void;

/** Runs `deno run -A <args>`, stderr passed through; resolves with stdout and the exit code. */
export async function runDeno(args: string[]): Promise<{ code: number; stdout: string; pid: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const out = await child.output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), pid: child.pid };
}

/**
 * Runs the load generator (`scripts/load.ts`) with `args` and `--hold-check`, its stderr passed
 * through: `atHold` runs once its visits are done, before it may start its final check (or, should it
 * end without holding, once it has ended). Resolves with its stdout and exit code.
 */
export async function runHeldLoad(
  args: string[],
  atHold: () => Promise<void>,
): Promise<{ code: number; stdout: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", LOAD_MAIN, ...args, "--hold-check"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const stdin = child.stdin.getWriter();
  const decoder = new TextDecoder();
  let tail = "";
  let held = false;
  for await (const chunk of child.stderr) {
    await Deno.stderr.write(chunk);
    if (held) continue;
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4 * HOLD_LINE.length);
    if (!tail.includes(`${HOLD_LINE}\n`)) continue;
    held = true;
    await atHold();
    await stdin.write(new TextEncoder().encode("\n")).catch(() => {});
  }
  await stdin.close().catch(() => {});
  const status = await child.status;
  if (!held) await atHold();
  return { code: status.code, stdout: await stdout };
}

/** Measures the floor in its own process. */
export async function runFloor(amqpUrl: string, brokerPid: number, opts: BenchOptions): Promise<Floor> {
  const n = opts.floorOps;
  const plan = { ops: { http: n, grpc: n, kv: n, amqp: n }, lanes: opts.floorLanes };
  const res = await runDeno([FLOOR_MAIN, amqpUrl, String(brokerPid), JSON.stringify(plan)]);
  if (res.code !== 0) throw new Error(`The floor process failed with exit code ${res.code}`);
  return JSON.parse(res.stdout) as Floor;
}

/**
 * Waits for a quiet machine ({@linkcode waitForQuiet}), then measures the floor; a note when the
 * machine never got quiet.
 */
async function quietFloor(
  amqpUrl: string,
  brokerPid: number,
  opts: BenchOptions,
  say: Say,
  notes: string[],
): Promise<Floor> {
  // --quick is a smoke run (the tests run it beside other suites): it does not wait long for quiet
  const q = await waitForQuiet({ timeoutMs: opts.quick ? 3000 : 30_000 });
  const idle = `${Math.round(q.idle * 100)}% idle`;
  if (q.quiet) say(`bench: the machine is quiet (${idle}) after ${q.waitedMs / 1000} s`);
  else {
    say(
      `bench: the machine did not get quiet in ${q.waitedMs / 1000} s (${idle}); measuring the floor anyway`,
    );
    notes.push(
      `the machine was not quiet before a floor (${idle} in its last second): that floor reads high`,
    );
  }
  return await runFloor(amqpUrl, brokerPid, opts);
}

/** Runs the floor and the system under load; resolves with the inputs of the report. */
export async function runBench(
  opts: BenchOptions,
  say: Say,
  env: Record<string, string> = Deno.env.toObject(),
): Promise<Omit<BenchInputs, "commit" | "machine" | "date">> {
  const amqpUrl = env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
  const brokerPid = findBrokerPid(amqpHostPort(amqpUrl).port);
  if (brokerPid === undefined) {
    throw new Error(
      `No RabbitMQ (beam.smp) serving ${amqpHostPort(amqpUrl).port} on this machine: the bench reads the ` +
        "broker's CPU from /proc, so it needs a local broker (start rabbitmq-server, or `deno task dev` once)",
    );
  }
  say(
    `bench: measuring the primitive floor (${opts.floorOps} operations each, ${opts.floorLanes} in flight) ...`,
  );
  const floorNotes: string[] = [];
  const floorBefore = await quietFloor(amqpUrl, brokerPid, opts, say, floorNotes);

  // --kv-census: every store counts its KV work into this folder (services/common/kv_census.ts)
  const censusDir = opts.kvCensus ? await Deno.makeTempDir({ prefix: "oms-bench-kv-census-" }) : undefined;
  const sysEnv = censusDir ? { ...env, [KV_CENSUS_VAR]: censusDir } : env;
  let sys: BenchSystem<ProgramName>;
  if (opts.oneProcess) {
    say("bench: starting the system as start:all does (every service and web in one process) ...");
    sys = await startOneProcessBenchSystem(amqpUrl, say, sysEnv) as BenchSystem<ProgramName>;
  } else {
    say("bench: starting the system (each service and web its own process) ...");
    sys = await startBenchSystem(amqpUrl, say, sysEnv) as BenchSystem<ProgramName>;
  }
  let measured: Omit<BenchInputs, "commit" | "machine" | "date" | "floor">;
  try {
    const items = await sys.restockAll(opts.restock);
    say(`bench: restocked ${items} items by ${opts.restock} units each through Stock.Restock`);
    const pids: Partial<Record<BenchProcess, number>> = { rabbitmq: brokerPid };
    for (const [name, proc] of Object.entries(sys.procs) as [ProgramName, { pid?: number }][]) {
      pids[name] = proc.pid!;
    }
    const names = BENCH_PROCESSES.filter((n) => pids[n] !== undefined);
    const settleMs = 2 * sys.kitchenPrepMs + 1000;
    if (opts.warmupS > 0) {
      say(`bench: warm-up: ${opts.concurrency} shoppers for ${opts.warmupS} s (not counted) ...`);
      const warm = await runDeno([
        LOAD_MAIN,
        "--url",
        sys.url,
        "--duration",
        String(opts.warmupS),
        "--concurrency",
        String(opts.concurrency),
        "--json",
      ]);
      if (warm.code !== 0) {
        throw new Error(`The warm-up load exited ${warm.code}: its final check found problems`);
      }
      // the warm-up's last orders finish in the kitchen before the measured window opens
      await new Promise((r) => setTimeout(r, settleMs));
    }
    // the census files lag the stores by up to CENSUS_WRITE_MS: read once they caught up
    const readCensusNow = async () => {
      if (!censusDir) return {};
      await new Promise((r) => setTimeout(r, CENSUS_WRITE_MS + 100));
      return readCensus(censusDir);
    };
    const censusBefore = await readCensusNow();
    let censusAfter: Record<string, CensusCounts> = {};
    const before = Object.fromEntries(names.map((n) => [n, procUsage(pids[n]!).cpuS]));
    // where each OMS process's CPU went, by thread (the broker is not a Deno process)
    const denoNames = names.filter((n) => n !== "rabbitmq");
    const threadsBefore = Object.fromEntries(denoNames.map((n) => [n, readThreadCpu(pids[n]!)]));
    let threadsAfter: Record<string, ThreadCpu> = {};
    // what OMS's processes hold together, the pages they share counted once (memory_together.ts)
    const memorySampling = sampleTogether(denoNames.map((n) => pids[n]!));
    let memory: MemoryTogether | undefined;
    const measuredFromMs = Date.now();
    say(`bench: load: ${opts.concurrency} shoppers for ${opts.durationS} s ...`);
    let after: Record<string, ReturnType<typeof procUsage>> = {};
    let brokerRssKb = 0;
    let load: Awaited<ReturnType<typeof runHeldLoad>>;
    try {
      load = await runHeldLoad([
        "--url",
        sys.url,
        "--duration",
        String(opts.durationS),
        "--concurrency",
        String(opts.concurrency),
        "--json",
      ], async () => {
        say(`bench: visits done; ${settleMs} ms for the kitchen's last tickets, then CPU is read ...`);
        await new Promise((r) => setTimeout(r, settleMs));
        after = Object.fromEntries(names.map((n) => [n, procUsage(pids[n]!)]));
        memory = memorySampling.stop();
        threadsAfter = Object.fromEntries(denoNames.map((n) => [n, readThreadCpu(pids[n]!)]));
        brokerRssKb = currentRssKb(brokerPid);
        censusAfter = await readCensusNow();
      });
    } finally {
      memory ??= memorySampling.stop(); // also when the load failed: no sampling left running
    }
    let report: LoadReport;
    try {
      report = JSON.parse(load.stdout) as LoadReport;
    } catch {
      throw new Error(
        `The load generator exited ${load.code} without a JSON report:\n${load.stdout.slice(0, 2000)}`,
      );
    }
    const readings: Partial<Record<BenchProcess, ProcessReading>> = {};
    for (const n of names) {
      readings[n] = {
        cpuS: after[n]!.cpuS - before[n]!,
        rssKb: n === "rabbitmq" ? brokerRssKb : after[n]!.peakRssKb,
        ...(threadsBefore[n] && threadsAfter[n]?.size
          ? { threads: threadCpuDelta(threadsBefore[n], threadsAfter[n]) }
          : {}),
      };
    }
    readings.load = { cpuS: report.usage?.cpuS ?? 0, rssKb: report.usage?.peakRssKb ?? 0 };

    say("bench: reading paid -> kitchen ticket from the kitchen's store ...");
    // the kitchen's KV file is read once the kitchen has stopped (start:all: the one process)
    await sys.stopProcess(opts.oneProcess ? "oms" : "kitchen");
    // the measured load's orders only (not the warm-up's)
    const ticket = await paidToTicketFromStore(`${sys.dataDir}/kitchen.kv`, measuredFromMs);

    const steps: BenchInputs["steps"] = [
      ...STEPS.map((s) =>
        [
          s === "timeToPaid" ? `${STEP_NAMES[s]} (${report.follow})` : STEP_NAMES[s],
          report.latencyMs[s],
        ] as BenchInputs["steps"][number]
      ),
      ["paid -> kitchen ticket (kitchen store)", ticket],
    ];
    const notes = [
      "CPU and RSS from /proc (utime+stime, VmHWM) from the load's start to its last visit's end plus the " +
      "kitchen's last tickets, before the final check; rabbitmq: the broker's beam.smp, " +
      "shared with anything else using it (RSS: current, not peak; not in the OMS RSS total)",
      "load generator: its whole process (start-up included), not part of the OMS total",
      "by thread: /proc/<pid>/task/*/stat over the same window, by thread name: JS thread (deno), " +
      "KV SQLite (sw-<n>, one per open store: SQLite, page writes, fsync), V8 GC+JIT (V8 DefaultWorker), " +
      "I/O pool (tokio-runtime-w)",
      `floor: each primitive ${opts.floorLanes} in flight, client and server in one process (AMQP: + broker); ` +
      "measured before the system starts and after it stops, each once the machine was at least 90% idle " +
      "for a second (waiting at most 30 s), the mean of the two",
    ];
    if (load.code !== 0) notes.push(`the load generator exited ${load.code}: its final check found problems`);
    if (censusDir) {
      notes.push(
        "--kv-census: every store counted its KV work (services/common/kv_census.ts), which costs CPU: " +
          "compare this run's CPU figures only with other census runs",
      );
    }
    measured = {
      options: {
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        concurrency: opts.concurrency,
        floorLanes: opts.floorLanes,
        quick: opts.quick,
        oneProcess: opts.oneProcess,
      },
      load: {
        ordersPlaced: report.orders.placed,
        ordersPerS: report.orders.perSecond,
        paid: report.orders.paid,
        durationS: report.durationS,
        errors: report.errors.total,
        checkOk: report.check.ok,
      },
      readings,
      ...(memory && memory.samples > 0 ? { memory: { ...memory, sampledEveryMs: SAMPLE_EVERY_MS } } : {}),
      steps,
      ...(censusDir
        ? { kvCensus: kvCensusRows(censusDelta(censusBefore, censusAfter), report.orders.placed) }
        : {}),
      notes,
    };
  } finally {
    say("bench: stopping the system ...");
    await sys.stop();
    if (censusDir) await Deno.remove(censusDir, { recursive: true }).catch(() => {});
  }
  // the machine's speed drifts over minutes (a shared box): the floor again, and the ratio uses the mean
  say("bench: measuring the primitive floor again, the system stopped ...");
  const floorAfter = await quietFloor(amqpUrl, brokerPid, opts, say, floorNotes);
  return {
    ...measured,
    floor: meanFloor([floorBefore, floorAfter]),
    notes: [...measured.notes, ...floorNotes],
  };
}
