/**
 * `deno task bench:profile`: where the CPU of each OMS process goes under load. Runs the system as
 * `deno task bench` does, each process under `--inspect`, records a CPU profile of every process through
 * the inspector over the load window, saves them as `.cpuprofile` files under
 * `bench/results/profiles/<date>/` (with the printed summary) and prints, per process, the top functions
 * and modules by self time (see `--help`).
 *
 * @module
 */
import { currentCommit } from "../commit.ts";
import { BenchOptionsError } from "../options.ts";
import { parseProfileOptions, PROFILE_USAGE } from "./options.ts";
import { formatSection } from "./report.ts";
import { runProfile } from "./run.ts";

const ROOT_URL = new URL("../../../", import.meta.url).href;

/** The folder name of a run at `date` on `commit`: `2026-01-02T03-04-05Z_<commit>`. */
export function profileFolderName(date: Date, commit: string): string {
  return `${date.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-")}_${commit}`;
}

/** Runs the profile with `args`; resolves with the exit code (0 when the profiles were saved). */
export async function main(args: string[]): Promise<number> {
  let opts;
  try {
    opts = parseProfileOptions(args);
  } catch (err) {
    if (!(err instanceof BenchOptionsError)) throw err;
    console.error(`bench:profile: ${err.message}`);
    return 2;
  }
  if (opts.help) {
    console.log(PROFILE_USAGE);
    return 0;
  }
  const say = (line: string) => console.error(line);
  const date = new Date();
  const commit = await currentCommit();
  let run;
  try {
    run = await runProfile(opts, say);
  } catch (err) {
    console.error(`bench:profile: ${(err as Error).message}`);
    return 1;
  }
  const dir = `${opts.outDir.replace(/\/$/, "")}/${profileFolderName(date, commit)}`;
  await Deno.mkdir(dir, { recursive: true });
  const omsCpuS = run.processes.reduce((s, p) => s + p.cpuS, 0);
  const perOrder = (cpuS: number) =>
    run.ordersPlaced > 0 ? ((cpuS * 1000) / run.ordersPlaced).toFixed(2) : "-";
  const lines = [
    `bench:profile ${commit}: ${run.ordersPlaced} orders in ${run.durationS} s (${run.ordersPerS}/s), ` +
    `${opts.concurrency} shoppers, sampling every ${opts.intervalUs} µs, under --inspect`,
    `OMS processes ${omsCpuS.toFixed(2)} CPU-s = ${perOrder(omsCpuS)} ms/order` +
    (run.brokerCpuS === undefined
      ? ""
      : `; rabbitmq ${run.brokerCpuS.toFixed(2)} CPU-s = ${perOrder(run.brokerCpuS)} ms/order`),
    "busy% = share of the process's non-idle samples; ms/ord = that share of its CPU-ms per order (/proc);",
    "(program) = native work outside JS (Deno's Rust side: I/O, HTTP, ops); natives named op_* are Deno ops",
    ...(run.loadCode !== 0
      ? [`the load generator exited ${run.loadCode}: its final check found problems`]
      : []),
  ];
  const sections = [];
  for (const p of run.processes) {
    await Deno.writeTextFile(`${dir}/${p.name}.cpuprofile`, JSON.stringify(p.profile));
    sections.push(formatSection({ ...p, orders: run.ordersPlaced }, { ...opts, rootUrl: ROOT_URL }));
  }
  const text = `${[lines.join("\n"), ...sections].join("\n\n")}\n`;
  console.log(text);
  await Deno.writeTextFile(`${dir}/summary.txt`, text);
  say(`bench:profile: saved ${run.processes.length} profiles and summary.txt in ${dir}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
