/**
 * `deno task bench:pairs`: the work tree against a base revision, fairly on a noisy machine. It adds a
 * temporary git worktree of the base, runs `deno task bench` there ("before") and here ("after"),
 * alternating, for the pairs asked, then prints and saves the paired summary (`table.ts`) and removes
 * the worktree, also when a run fails or the user presses Ctrl-C. Each run's table (stdout and stderr)
 * and JSON stay in `<out>/<date>_<base>_vs_<head>/{before,after}-<n>/`.
 *
 * @module
 */
import { currentCommit } from "../commit.ts";
import { BenchOptionsError } from "../options.ts";
import type { BenchReport } from "../report.ts";
import { PAIRS_USAGE, parsePairsOptions } from "./options.ts";
import { type BenchPair, formatPairs, summarize } from "./table.ts";

/** Runs one bench in `cwd` with `args`, its output to `logPath`; resolves with its exit code. */
export type BenchRunner = (cwd: string, args: string[], logPath: string) => Promise<number>;

/** `deno task bench` as a child process, its stdout and stderr (as they come) to `logPath`. */
export const runBenchProcess: BenchRunner = async (cwd, args, logPath) => {
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const writer = log.writable.getWriter();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "bench", ...args],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const copy = async (from: ReadableStream<Uint8Array>) => {
      for await (const chunk of from) await writer.write(chunk);
    };
    await Promise.all([copy(child.stdout), copy(child.stderr)]);
    return (await child.status).code;
  } finally {
    await writer.close();
  }
};

/** What {@linkcode main} needs besides its arguments (tests give their own). */
export interface PairsDeps {
  /** The repository whose work tree is "after" (default: the current directory). */
  repoDir?: string;
  /** Runs one bench (default {@linkcode runBenchProcess}). */
  runBench?: BenchRunner;
  /** Progress lines (default: stderr). */
  say?: (line: string) => void;
  /** Aborts between runs (default: Ctrl-C). */
  signal?: AbortSignal;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** The one bench report saved in `dir`. */
async function reportIn(dir: string): Promise<BenchReport> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json")) {
      return JSON.parse(await Deno.readTextFile(`${dir}/${e.name}`)) as BenchReport;
    }
  }
  throw new Error(`No bench result in ${dir}`);
}

function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
}

/** Runs the comparison `args` asks for; resolves with the exit code (0 when the summary was saved). */
export async function main(args: string[], deps: PairsDeps = {}): Promise<number> {
  const say = deps.say ?? ((line: string) => console.error(line));
  let opts;
  try {
    opts = parsePairsOptions(args);
  } catch (err) {
    if (!(err instanceof BenchOptionsError)) throw err;
    say(`bench:pairs: ${err.message}`);
    return 2;
  }
  if (opts.help) {
    console.log(PAIRS_USAGE);
    return 0;
  }
  const repo = await Deno.realPath(deps.repoDir ?? Deno.cwd());
  const runBench = deps.runBench ?? runBenchProcess;
  let base: string;
  try {
    base = await git(repo, "rev-parse", "--short", `${opts.base}^{commit}`);
  } catch {
    say(`bench:pairs: --base ${JSON.stringify(opts.base)} is not a commit of ${repo}`);
    return 2;
  }
  const head = await currentCommit(repo);
  const outDir = opts.outDir.startsWith("/") ? opts.outDir : `${repo}/${opts.outDir}`;
  const runDir = `${outDir}/${stamp(new Date())}_${base}_vs_${head}`;
  await Deno.mkdir(runDir, { recursive: true });
  const tree = await Deno.makeTempDir({ prefix: `oms-bench-base-${base}-` });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const signal = deps.signal ?? controller.signal;
  if (!deps.signal) Deno.addSignalListener("SIGINT", onSigint);
  try {
    await git(repo, "worktree", "add", "--detach", "--force", tree, base);
    const pairs: BenchPair[] = [];
    for (let i = 1; i <= opts.pairs; i++) {
      const pair: Partial<BenchPair> = {};
      for (const [side, cwd] of [["before", tree], ["after", repo]] as const) {
        if (signal.aborted) throw new Error("Stopped before the pairs were done");
        const dir = `${runDir}/${side}-${i}`;
        await Deno.mkdir(dir, { recursive: true });
        say(`bench:pairs: pair ${i} of ${opts.pairs}, ${side} (${side === "before" ? base : head}) ...`);
        const code = await runBench(cwd, [...opts.benchArgs, "--out", dir], `${dir}/bench.log`);
        if (code !== 0) {
          throw new Error(`The ${side} run of pair ${i} failed (exit ${code}); see ${dir}/bench.log`);
        }
        const report = await reportIn(dir);
        pair[side] = report;
        say(
          `bench:pairs: pair ${i} ${side}: ${report.total.cpuMsPerOrder} CPU-ms per order = ${report.total.ratioToFloor}x the floor, ${report.load.ordersPerS} orders/s`,
        );
      }
      pairs.push(pair as BenchPair);
    }
    const table = formatPairs(pairs, base, head);
    console.log(table);
    await Deno.writeTextFile(`${runDir}/pairs.txt`, `${table}\n`);
    await Deno.writeTextFile(
      `${runDir}/pairs.json`,
      `${JSON.stringify({ base, head, args: opts.benchArgs, summary: summarize(pairs) }, null, 2)}\n`,
    );
    say(`bench:pairs: saved ${runDir}/pairs.txt and pairs.json`);
    return 0;
  } catch (err) {
    say(`bench:pairs: ${(err as Error).message}`);
    return 1;
  } finally {
    if (!deps.signal) Deno.removeSignalListener("SIGINT", onSigint);
    await git(repo, "worktree", "remove", "--force", tree).catch((err) =>
      say(`bench:pairs: could not remove the worktree ${tree}: ${(err as Error).message}`)
    );
    await Deno.remove(tree, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
