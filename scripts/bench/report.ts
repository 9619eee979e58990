/**
 * The benchmark's report: what one run measured ({@linkcode BenchReport}, saved as JSON), the math that
 * turns OS readings into CPU-ms per order and the ratio to the floor ({@linkcode buildBenchReport}), the
 * one table people read ({@linkcode formatBenchTable}) and the result file's name.
 *
 * @module
 */
import { table } from "../load/report.ts";
import type { LatencySummary } from "../load/stats.ts";
import type { Floor } from "./floor/floor.ts";
import { PRIMITIVE_LABELS, PRIMITIVES, REFERENCE_LIFECYCLE } from "./lifecycle.ts";
import { formatKvCensus, type KvCensusRow } from "./kv_census_table.ts";
import type { MemoryTogether } from "./memory_together.ts";
import { THREAD_KIND_LABELS, THREAD_KINDS, type ThreadCpuByKind } from "./threads.ts";

/**
 * The processes whose cost can be reported, in print order: `oms` is start:all's one process (`--one-process`,
 * instead of the five), `load` the load generator (not part of OMS).
 */
export const BENCH_PROCESSES = [
  "oms",
  "orders",
  "stock",
  "payments",
  "kitchen",
  "web",
  "rabbitmq",
  "load",
] as const;
/** One of {@linkcode BENCH_PROCESSES}. */
export type BenchProcess = typeof BENCH_PROCESSES[number];

/** The processes counted as OMS (the load generator is not). */
export const OMS_PROCESSES: readonly BenchProcess[] = BENCH_PROCESSES.filter((p) => p !== "load");

/** What the OS said one process used during the load. */
export interface ProcessReading {
  /** CPU seconds spent during the load window (user + system). */
  cpuS: number;
  /** Peak RSS in KiB (VmHWM; for the broker, shared with other users of it, its current RSS). */
  rssKb: number;
  /**
   * Of `cpuS`, what each kind of thread spent (`threads.ts`): OMS's Deno processes only; absent for the
   * broker, the load generator, and in reports from before it was measured.
   */
  threads?: ThreadCpuByKind;
}

/** One row of the process table. */
export interface ProcessRow extends ProcessReading {
  /** Which process. */
  name: BenchProcess;
  /** CPU ms per order placed. */
  cpuMsPerOrder: number;
  /** RSS in MiB. */
  rssMiB: number;
  /** {@linkcode ProcessReading.threads} as CPU ms per order placed. */
  threadsMsPerOrder?: ThreadCpuByKind;
}

/** One step's latency percentiles in ms. */
export interface StepRow {
  /** Name as printed, e.g. `pay -> paid`. */
  step: string;
  /** Samples. */
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Everything one `deno task bench` run measured. */
export interface BenchReport {
  /** ISO 8601 start of the run. */
  date: string;
  /** The commit measured (`git rev-parse --short HEAD`, `+dirty` with uncommitted changes). */
  commit: string;
  /** The machine. */
  machine: { cores: number; os: string; hostname: string };
  /** How the run was configured. */
  options: {
    durationS: number;
    /** Seconds of uncounted load before the measured load (absent in reports before it existed: none). */
    warmupS?: number;
    concurrency: number;
    floorLanes: number;
    quick: boolean;
    /** Whether the system ran as start:all's one process (absent in reports before it existed: no). */
    oneProcess?: boolean;
  };
  /** The primitive floor measured in this run. */
  floor: Floor;
  /** The load. */
  load: {
    ordersPlaced: number;
    ordersPerS: number;
    paid: number;
    durationS: number;
    errors: number;
    checkOk: boolean;
  };
  /** Per process, during the load window. */
  processes: ProcessRow[];
  /** OMS (every process but the load generator) together. */
  total: {
    cpuS: number;
    cpuMsPerOrder: number;
    ratioToFloor: number;
    /** The sum of each OMS Deno process's peak RSS (the process table's column). */
    rssMiB: number;
    /**
     * What OMS's Deno processes held at once, sampled during the load window (`memory_together.ts`;
     * absent in reports before it was measured).
     */
    memory?: {
      sampledEveryMs: number;
      samples: number;
      /** The largest sum of their RSS in one sample. */
      peakRssSumMiB: number;
      /** The same with the pages they share (the deno binary's, the C libraries') counted once. */
      peakSharedOnceMiB: number;
    };
  };
  /** Latency percentiles of every step. */
  steps: StepRow[];
  /** Each store's KV work per order (`--kv-census` runs only). */
  kvCensus?: KvCensusRow[];
  /** What to keep in mind reading the figures. */
  notes: string[];
}

/** What {@linkcode buildBenchReport} needs. */
export interface BenchInputs {
  date: Date;
  commit: string;
  machine: BenchReport["machine"];
  options: BenchReport["options"];
  floor: Floor;
  load: BenchReport["load"];
  /** Per process measured (the five and the broker, or start:all's one and the broker; the load generator). */
  readings: Partial<Record<BenchProcess, ProcessReading>>;
  /** What OMS's Deno processes held at once during the load window. */
  memory?: MemoryTogether & { sampledEveryMs: number };
  /** Step name -> latency summary, in print order. */
  steps: [string, LatencySummary][];
  /** Each store's KV work per order (`--kv-census` runs only). */
  kvCensus?: KvCensusRow[];
  notes: string[];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Divides CPU by orders, sums OMS, and sets the ratio to the reference lifecycle's floor. */
export function buildBenchReport(i: BenchInputs): BenchReport {
  const orders = i.load.ordersPlaced;
  if (!(orders > 0)) throw new Error(`The load placed no orders (${orders}): nothing to divide by`);
  const measured = BENCH_PROCESSES.flatMap((name) => {
    const r = i.readings[name];
    return r ? [[name, r] as const] : [];
  });
  const perOrder = (cpuS: number) => round((cpuS * 1000) / orders, 2);
  const processes = measured.map(([name, r]): ProcessRow => {
    return {
      name,
      cpuS: round(r.cpuS, 2),
      rssKb: r.rssKb,
      cpuMsPerOrder: perOrder(r.cpuS),
      rssMiB: round(r.rssKb / 1024, 1),
      ...(r.threads
        ? {
          threads: r.threads,
          threadsMsPerOrder: Object.fromEntries(
            THREAD_KINDS.map((k) => [k, perOrder(r.threads![k])]),
          ) as ThreadCpuByKind,
        }
        : {}),
    };
  });
  const oms = measured.filter(([n]) => OMS_PROCESSES.includes(n));
  const cpuS = oms.reduce((s, [, r]) => s + r.cpuS, 0);
  const cpuMsPerOrder = (cpuS * 1000) / orders;
  const rssKb = oms.filter(([n]) => n !== "rabbitmq").reduce((s, [, r]) => s + r.rssKb, 0);
  return {
    date: i.date.toISOString(),
    commit: i.commit,
    machine: i.machine,
    options: i.options,
    floor: i.floor,
    load: i.load,
    processes,
    total: {
      cpuS: round(cpuS, 2),
      cpuMsPerOrder: round(cpuMsPerOrder, 2),
      ratioToFloor: round(cpuMsPerOrder / i.floor.lifecycleCpuMs, 2),
      rssMiB: round(rssKb / 1024, 1),
      ...(i.memory
        ? {
          memory: {
            sampledEveryMs: i.memory.sampledEveryMs,
            samples: i.memory.samples,
            peakRssSumMiB: round(i.memory.peakRssSumKb / 1024, 1),
            peakSharedOnceMiB: round(i.memory.peakSharedOnceKb / 1024, 1),
          },
        }
        : {}),
    },
    steps: i.steps.map(([step, s]) => ({ step, count: s.count, p50: s.p50, p95: s.p95, p99: s.p99 })),
    ...(i.kvCensus ? { kvCensus: i.kvCensus } : {}),
    notes: i.notes,
  };
}

/** The result file's name: `<date>_<commit>.json` with the date safe for file systems. */
export function resultFileName(r: Pick<BenchReport, "date" | "commit">): string {
  const date = r.date.replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  return `${date}_${r.commit.replace(/[^A-Za-z0-9_+-]/g, "_")}.json`;
}

const f = (n: number, digits: number) => n.toFixed(digits);

/** The one table of a run, as Markdown-friendly text. */
export function formatBenchTable(r: BenchReport): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `OMS bench ${r.date} commit ${r.commit}, ${r.machine.cores} cores; ${o.concurrency} shoppers for ${o.durationS} s` +
      (o.warmupS ? ` after a ${o.warmupS} s warm-up` : "") +
      (o.oneProcess ? "; start:all: every service and web in one process" : ""),
  );
  out.push(
    `orders/s ${f(r.load.ordersPerS, 1)} (${r.load.ordersPlaced} placed, ${r.load.paid} paid, ` +
      `${r.load.errors} errors, final check ${r.load.checkOk ? "OK" : "FAILED"})`,
  );
  out.push("");
  const floorRows = PRIMITIVES.map((p) => [
    `${PRIMITIVE_LABELS[p]} x${REFERENCE_LIFECYCLE[p]}`,
    f(r.floor.primitives[p].cpuMs, 3),
  ]);
  out.push(
    ...table([
      ["primitive floor (per lifecycle count)", "CPU-ms/op"],
      ...floorRows,
      ["reference lifecycle (4 HTTP + 5 gRPC + 8 KV + 10 AMQP)", f(r.floor.lifecycleCpuMs, 2)],
    ]),
  );
  const rounds = r.floor.rounds ?? [];
  if (rounds.length > 1) {
    out.push(
      `floor measured ${rounds.length} times: ${rounds.map((x) => f(x, 2)).join(", ")} ms ` +
        `(spread ${
          f((Math.max(...rounds) / Math.min(...rounds) - 1) * 100, 0)
        }%); the figures above are their mean`,
    );
  }
  out.push("");
  const procRows = r.processes.map((p) => [
    p.name === "load" ? "load generator (not OMS)" : p.name === "oms" ? "oms (start:all)" : p.name,
    f(p.cpuS, 2),
    f(p.cpuMsPerOrder, 2),
    f(p.rssMiB, 1),
  ]);
  out.push(
    ...table([
      ["process", "CPU s", "CPU-ms/order", "RSS MiB"],
      ...procRows,
      ["OMS total", f(r.total.cpuS, 2), f(r.total.cpuMsPerOrder, 2), f(r.total.rssMiB, 1)],
    ]),
  );
  out.push(
    `OMS CPU per order ${f(r.total.cpuMsPerOrder, 2)} ms = ${f(r.total.ratioToFloor, 2)}x the reference ` +
      `lifecycle's floor (${f(r.floor.lifecycleCpuMs, 2)} ms, same run)`,
  );
  out.push(...memoryLine(r));
  out.push(...threadTable(r));
  out.push(...formatKvCensus(r.kvCensus ?? []));
  out.push("");
  out.push(
    ...table([
      ["step (ms)", "count", "p50", "p95", "p99"],
      ...r.steps.map((s) =>
        s.count === 0
          ? [s.step, "0", "-", "-", "-"]
          : [s.step, String(s.count), f(s.p50, 1), f(s.p95, 1), f(s.p99, 1)]
      ),
    ]),
  );
  if (r.notes.length) {
    out.push("");
    for (const n of r.notes) out.push(`note: ${n}`);
  }
  return out.join("\n");
}

/**
 * What the OMS processes held at once (sampled), when there are several: one process (start:all) shares
 * nothing with another, so its peak RSS says it all.
 */
export function memoryLine(r: Pick<BenchReport, "processes" | "total">): string[] {
  const m = r.total.memory;
  const processes = r.processes.filter((p) => p.name !== "rabbitmq" && p.name !== "load").length;
  if (!m || processes < 2) return [];
  return [
    `OMS memory at once (every ${m.sampledEveryMs / 1000} s, ${m.samples} samples): peak RSS sum ` +
    `${f(m.peakRssSumMiB, 1)} MiB; with the pages the ${processes} share (the deno binary's, the C ` +
    `libraries') counted once ${f(m.peakSharedOnceMiB, 1)} MiB`,
  ];
}

/**
 * The second table: each OMS Deno process's CPU-ms per order split by the thread that spent it
 * (`threads.ts`), with a row summing the processes; no lines when no process was read by thread.
 */
export function threadTable(r: Pick<BenchReport, "processes">): string[] {
  const rows = r.processes.filter((p) => p.threadsMsPerOrder);
  if (rows.length === 0) return [];
  const sum = Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as ThreadCpuByKind;
  for (const p of rows) for (const k of THREAD_KINDS) sum[k] += p.threadsMsPerOrder![k];
  const line = (name: string, by: ThreadCpuByKind) => [name, ...THREAD_KINDS.map((k) => f(by[k], 2))];
  return [
    "",
    ...table([
      ["CPU-ms/order by thread", ...THREAD_KINDS.map((k) => THREAD_KIND_LABELS[k])],
      ...rows.map((p) => line(p.name === "oms" ? "oms (start:all)" : p.name, p.threadsMsPerOrder!)),
      ...(rows.length > 1 ? [line("together", sum)] : []),
    ]),
  ];
}
