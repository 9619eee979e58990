/**
 * `deno task bench` flags, parsed with `node:util` `parseArgs`; messages name the flag that is wrong.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Validated settings of one bench run. */
export interface BenchOptions {
  /** Seconds of load. */
  durationS: number;
  /** Seconds of load before the measured load, not counted (0: none). */
  warmupS: number;
  /** Shoppers at once. */
  concurrency: number;
  /** Operations measured per primitive of the floor. */
  floorOps: number;
  /** Floor operations in flight at once. */
  floorLanes: number;
  /** Units added to every item before the load. */
  restock: number;
  /** Where the JSON result goes. */
  outDir: string;
  /** A few seconds of everything (tests): short load, few shoppers, few floor operations. */
  quick: boolean;
  /** Run the system as `deno task start:all` does: every service and web in one process. */
  oneProcess: boolean;
  /** Count each store's KV work per order (`services/common/kv_census.ts`; its CPU figures then include the counting). */
  kvCensus: boolean;
  /** Show usage and exit. */
  help: boolean;
}

/** The `--help` text. */
export const BENCH_USAGE = `Usage: deno task bench [options]

Measures, in one run on this machine: the primitive floor (HTTP request, gRPC call, KV commit, AMQP
message; CPU-ms each) and the whole system (started here as separate processes on RabbitMQ, or as
start:all's one process with --one-process; every item restocked) under the load generator; prints
one table and saves it as JSON.

Options:
  --duration SECONDS   load duration (default 30; --quick 3)
  --warmup SECONDS     load before the measured load, not counted: the processes' JIT warms up as the
                       floor's primitives do before theirs (default 10; --quick 1; 0 = none)
  --concurrency N      shoppers at once (default 64; --quick 4)
  --floor-ops N        operations per primitive of the floor (default 2000; --quick 200)
  --floor-lanes N      floor operations in flight at once (default 16; 1 = one after the other)
  --restock N          units added to every item before the load (default 1000000)
  --out DIR            where the JSON result is saved (default bench/results)
  --one-process        run the system as \`deno task start:all\` does: every service and web in one
                       process on RabbitMQ (its RSS is start:all's footprint)
  --kv-census          also count each store's KV work per order (commits, keys written, checked and
                       read, by key prefix); the counting costs CPU, so compare such runs only with
                       each other
  --quick              a few seconds of everything, for tests
  -h, --help           show this text`;

/** A flag that is unknown or out of range. */
export class BenchOptionsError extends Error {
  /** The error with its message. */
  constructor(message: string) {
    super(message);
    this.name = "BenchOptionsError";
  }
}

/** Parses and validates `args`; throws {@linkcode BenchOptionsError}. */
export function parseBenchOptions(args: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: "string" },
        warmup: { type: "string" },
        concurrency: { type: "string" },
        "floor-ops": { type: "string" },
        "floor-lanes": { type: "string" },
        restock: { type: "string" },
        out: { type: "string" },
        quick: { type: "boolean" },
        "one-process": { type: "boolean" },
        "kv-census": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new BenchOptionsError(`${(err as Error).message.replace(/\.$/, "")}; see --help`);
  }
  const quick = values.quick ?? false;
  return {
    durationS: num("--duration", values.duration, quick ? 3 : 30, 0.5, 3600, false),
    warmupS: num("--warmup", values.warmup, quick ? 1 : 10, 0, 600, false),
    concurrency: num("--concurrency", values.concurrency, quick ? 4 : 64, 1, 256, true),
    floorOps: num("--floor-ops", values["floor-ops"], quick ? 200 : 2000, 10, 1_000_000, true),
    floorLanes: num("--floor-lanes", values["floor-lanes"], 16, 1, 256, true),
    restock: num("--restock", values.restock, 1_000_000, 1, 100_000_000, true),
    outDir: values.out ?? "bench/results",
    quick,
    oneProcess: values["one-process"] ?? false,
    kvCensus: values["kv-census"] ?? false,
    help: values.help ?? false,
  };
}

/**
 * The number of `flag` from `raw` (`fallback` when absent), checked to be from `min` to `max` (and whole
 * when `integer`); throws {@linkcode BenchOptionsError}.
 */
export function num(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  integer: boolean,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const ok = (integer ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/).test(raw.trim()) && n >= min && n <= max;
  if (!ok) {
    throw new BenchOptionsError(
      `${flag} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return n;
}
