/**
 * `deno task bench`: the primitive floor and the whole system under load, measured in one run on this
 * machine; prints one table on stdout (progress on stderr) and saves it as JSON under bench/results/
 * (see `--help` and the README's "Benchmark" section).
 *
 * @module
 */
import { hostname } from "node:os";
import { currentCommit } from "./bench/commit.ts";
import { BENCH_USAGE, BenchOptionsError, parseBenchOptions } from "./bench/options.ts";
import { buildBenchReport, formatBenchTable, resultFileName } from "./bench/report.ts";
import { runBench } from "./bench/run.ts";

/** Runs the bench with `args`; resolves with the exit code (0 when a report was saved). */
export async function main(args: string[]): Promise<number> {
  let opts;
  try {
    opts = parseBenchOptions(args);
  } catch (err) {
    if (!(err instanceof BenchOptionsError)) throw err;
    console.error(`bench: ${err.message}`);
    return 2;
  }
  if (opts.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const say = (line: string) => console.error(line);
  const date = new Date();
  const commit = await currentCommit();
  const machine = {
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    hostname: hostname(),
  };
  say(`bench: commit ${commit}, ${machine.cores} cores`);
  let inputs;
  try {
    inputs = await runBench(opts, say);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    return 1;
  }
  const report = buildBenchReport({ ...inputs, date, commit, machine });
  console.log(formatBenchTable(report));
  await Deno.mkdir(opts.outDir, { recursive: true });
  const path = `${opts.outDir.replace(/\/$/, "")}/${resultFileName(report)}`;
  await Deno.writeTextFile(path, `${JSON.stringify(report, null, 2)}\n`);
  say(`bench: saved ${path}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
