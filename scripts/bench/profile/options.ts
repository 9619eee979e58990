/**
 * `deno task bench:profile` flags, parsed with `node:util` `parseArgs`; messages name the flag that is wrong.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BenchOptionsError, num } from "../options.ts";

/** Validated settings of one profile run. */
export interface ProfileOptions {
  /** Seconds of load (and of profiling). */
  durationS: number;
  /** Shoppers at once. */
  concurrency: number;
  /** Microseconds between samples. */
  intervalUs: number;
  /** Rows of the top-functions table per process. */
  topFunctions: number;
  /** Rows of the top-modules table per process. */
  topModules: number;
  /** Units added to every item before the load. */
  restock: number;
  /** Where the dated folder of `.cpuprofile` files goes. */
  outDir: string;
  /** Show usage and exit. */
  help: boolean;
}

/** The `--help` text. */
export const PROFILE_USAGE = `Usage: deno task bench:profile [options]

Starts the system as \`deno task bench\` does (each service and web its own process on RabbitMQ, every
item restocked), each OMS process with --inspect on a free port, and records a CPU profile of every
process through the inspector's Profiler domain while the load generator runs. Saves one .cpuprofile per
process under <out>/<date>/ (open them in Chrome DevTools or speedscope) and prints, per process, the
top functions by self time and the top modules (npm package, OMS folder, Deno internals, GC/program/idle).

--inspect and the sampler cost CPU themselves: read the shares, not the absolute figures.

Options:
  --duration SECONDS   load (and profile) duration (default 20)
  --concurrency N      shoppers at once (default 32)
  --interval-us N      microseconds between samples (default 1000)
  --top N              rows of top functions per process (default 15)
  --modules N          rows of top modules per process (default 10)
  --restock N          units added to every item before the load (default 1000000)
  --out DIR            where the dated folder of profiles goes (default bench/results/profiles)
  -h, --help           show this text`;

/** Parses and validates `args`; throws {@linkcode BenchOptionsError}. */
export function parseProfileOptions(args: string[]): ProfileOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: "string" },
        concurrency: { type: "string" },
        "interval-us": { type: "string" },
        top: { type: "string" },
        modules: { type: "string" },
        restock: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new BenchOptionsError(`${(err as Error).message.replace(/\.$/, "")}; see --help`);
  }
  return {
    durationS: num("--duration", values.duration, 20, 0.5, 3600, false),
    concurrency: num("--concurrency", values.concurrency, 32, 1, 256, true),
    intervalUs: num("--interval-us", values["interval-us"], 1000, 50, 100_000, true),
    topFunctions: num("--top", values.top, 15, 1, 1000, true),
    topModules: num("--modules", values.modules, 10, 1, 1000, true),
    restock: num("--restock", values.restock, 1_000_000, 1, 100_000_000, true),
    outDir: values.out ?? "bench/results/profiles",
    help: values.help ?? false,
  };
}
