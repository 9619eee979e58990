/**
 * `deno task bench:pairs` flags, parsed with `node:util` `parseArgs`: its own before `--`, the bench's
 * (passed to every run unchanged) after it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BenchOptionsError, num, parseBenchOptions } from "../options.ts";

/** Validated settings of one paired comparison. */
export interface PairsOptions {
  /** The revision the work tree is compared with (anything `git worktree add` takes). */
  base: string;
  /** How many before/after pairs to run. */
  pairs: number;
  /** Where the runs' results and the summary go (a dated folder inside). */
  outDir: string;
  /** The flags every `deno task bench` run gets (validated as the bench would). */
  benchArgs: string[];
  /** Show usage and exit. */
  help: boolean;
}

/** The `--help` text. */
export const PAIRS_USAGE = `Usage: deno task bench:pairs --base REV [options] [-- bench options]

Compares the work tree with revision REV fairly on a noisy machine: runs \`deno task bench\` in a
temporary git worktree of REV ("before") and here ("after"), alternating, N pairs in one sitting, then
prints each pair's CPU-ms per order (all OMS processes and Deno KV's SQLite threads), its ratio to the
floor, orders/s and peak RSS, their means, and in how many pairs "after" was lower. The worktree is
removed at the end. Each run's table and JSON are kept in the output folder.

Options:
  --base REV           the revision to compare with (required), e.g. HEAD~1 or a commit
  --pairs N            before/after pairs (default 2)
  --out DIR            where the dated folder of results goes (default bench/results/pairs)
  -h, --help           show this text

Everything after -- goes to each bench run, e.g. -- --duration 20 --one-process (not --out).`;

/** Parses and validates `args`; throws {@linkcode BenchOptionsError}. */
export function parsePairsOptions(args: string[]): PairsOptions {
  const cut = args.indexOf("--");
  const own = cut === -1 ? args : args.slice(0, cut);
  const benchArgs = cut === -1 ? [] : args.slice(cut + 1);
  let values;
  try {
    ({ values } = parseArgs({
      args: own,
      strict: true,
      allowPositionals: false,
      options: {
        base: { type: "string" },
        pairs: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new BenchOptionsError(`${(err as Error).message.replace(/\.$/, "")}; see --help`);
  }
  const help = values.help ?? false;
  if (!help && !values.base) throw new BenchOptionsError("--base REV is required; see --help");
  const bench = parseBenchOptions(benchArgs);
  if (bench.help) throw new BenchOptionsError("--help after -- would not run a bench; put it before --");
  if (benchArgs.some((a) => a === "--out" || a.startsWith("--out="))) {
    throw new BenchOptionsError("--out after -- is not allowed: each run's results go to the pairs' folder");
  }
  return {
    base: values.base ?? "",
    pairs: num("--pairs", values.pairs, 2, 1, 20, true),
    outDir: values.out ?? "bench/results/pairs",
    benchArgs,
    help,
  };
}
