import type { ProgramName } from "./launcher.ts";

/**
 * The `deno run` flags every OMS process runs with (each service, web, and `start:all`'s one process),
 * whoever starts it: the launcher (`deno task dev`, `deno task bench`, the system tests) puts them in
 * {@linkcode processArgs}, and the `start:<name>` tasks of deno.json (what the Dockerfile and
 * compose.yaml run) carry the same words; `runtime_flags_test.ts` holds the two together.
 *
 * Why (issue 8, footprint): under `deno task bench`'s load the five processes' peak RSS was ~0.85 GB in
 * all, and most of it was V8 heap the processes let grow but did not need: after a full GC each one's
 * live JS heap is 20-30 MB, yet under load the young generation grew to ~55 MB (V8's semi-spaces grow to
 * 32 MB each when allocation is fast) and the old generation to 70-145 MB (V8's dynamic growing factor
 * lets it reach up to 4x what was live before the next full GC). The two limits:
 *
 * - `--max-semi-space-size=8` (MB): the young generation stays at 2 x 8 MB (start:all and the light
 *   services; web and orders 16 MB, see {@linkcode PROCESS_V8_FLAGS});
 * - `--heap-growing-percent=100`: after a full GC the old generation may grow to 2x what is live.
 *
 * Measured with `deno task bench` (64 shoppers, 30 s) on the shared 2-core box, 6 runs with these flags
 * and 7 of the code before them, interleaved: peak RSS of the five processes 877 MB -> 672 MB on average
 * (orders 218 -> 145, web 264 -> 179, stock 132 -> 114, payments 142 -> 122, kitchen 121 -> 113);
 * `start:all`'s one process ~340 MB -> ~220 MB. CPU per order did not rise: the five processes' mean
 * 28.3 -> 27.8 ms (the shared box spread single runs from 24 to 44 ms per order, RabbitMQ included);
 * `--trace-gc` shows web's and orders' GC time per second close to V8's defaults (scavenges 5/s
 * instead of 2/s but cheaper; ~8 short full GCs instead of 3 long ones).
 *
 * Tighter limits cost CPU: a scavenge costs 4-9 ms whatever the nursery's size (`--trace-gc-nvp`: it is
 * the copying of what is still in flight, ~1 MB each time in web and orders), so 2 MB semi-spaces mean
 * ~15 scavenges/s and +70 ms/s of GC in web alone (~570 MB in all, +10-20 % CPU per order in paired
 * runs); `--heap-growing-percent=50` doubles web's full GCs (~635 MB); `--optimize-for-size` ~545 MB
 * at ~+30 %. `start:all` with 4 MB semi-spaces and 50 %: ~200 MB at +23 % CPU per order.
 *
 * Second measurement, on a quiet machine (the first ran beside other work that hid CPU differences):
 * `deno task bench` alternating the same code with both flags, with none, and with
 * `--heap-growing-percent=100` alone. Both flags: 23.4 and 26.9 CPU-ms per order, 692-698 MB; none: 20.3,
 * 20.5, 20.6 and 22.2 ms, 930-983 MB; growing alone: 20.7 and 22.6 ms, 839-852 MB. The 8 MB semi-spaces
 * cost about 13% of an order's CPU (more scavenges, each copying what is in flight), so the separate
 * processes keep V8's young generation and limit only the old one (~100 MB less for ~2% CPU, within the
 * noise). `start:all` keeps both: its one process is for a small shop's box, where memory is the target.
 * Later (below, `SMALL_YOUNG_GENERATION`) the three light services got both too, and web and orders
 * semi-spaces of 16 MB, half the default, which measured no CPU cost ({@linkcode PROCESS_V8_FLAGS}).
 *
 * Moving GC work off V8's worker threads does not pay either (two pairs each, alternating, 64 shoppers):
 * `--single-threaded-gc` for web and orders cut CPU per order by ~3.5% (web 3.48/3.60 against 3.72/3.80 ms,
 * orders 3.21/3.25 against 3.37/3.40) but raised web's peak RSS to 298-325 MB from ~230;
 * `--no-concurrent-marking` alone raised it as much (297-315 MB) for no CPU gain; `--no-parallel-scavenge`
 * changed nothing measurable.
 *
 * What stays is mostly not the JS heap: ~45 MB of each process is the `deno` binary's own pages and
 * 5 MB its code cache (file-backed, shared between processes but counted in each RSS), 10-40 MB the
 * native allocator's (sockets, HTTP/2, SQLite).
 *
 * @module
 */

/**
 * The V8 flags of web and orders, the two busy processes: the old generation's limit, and semi-spaces of
 * 16 MB, half V8 15's default of 32 MB (the 8 MB of the light services cost web ~10% of its CPU).
 * `deno task bench`, one sitting on a quiet box, alternating: with 16 MB (six runs) against none (three)
 * peak RSS of the five processes 796-817 MB against 856-869 MB, CPU-ms per order 10.17-11.51 (mean 10.82)
 * against 9.83-11.55 (mean 10.71), web 2.81-3.30 against 2.84-3.21; with 8 MB (three runs) 740-787 MB,
 * but web 3.33-3.74 ms per order against 2.85-3.30 for 16 MB in the same pairs.
 */
export const PROCESS_V8_FLAGS: readonly string[] = ["--max-semi-space-size=16", "--heap-growing-percent=100"];

/**
 * The V8 flags of stock, payments and kitchen (`SMALL_YOUNG_GENERATION`): 8 MB semi-spaces and the old
 * generation's limit.
 */
export const LIGHT_SERVICE_V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=8",
  "--heap-growing-percent=100",
];

/**
 * The V8 flags of `start:all`'s one process, whose target is memory (about 200 MB for a small shop): 8 MB
 * semi-spaces, and after a full GC the old generation may grow by a quarter of what is live, not all of it.
 * With the parts calling each other in-process (no sockets, `services/common/connect/in_process.ts`),
 * `deno task bench:pairs --pairs 3 -- --one-process`, 25 against 50: peak RSS 207.4 / 207.6 / 201.9 MB
 * against 235.4 / 218.7 / 219.5, the process's CPU per order 10.27 / 11.33 / 11.29 ms against 11.69 /
 * 9.30 / 10.31 (V8's GC threads 2.11 / 2.25 / 2.26 ms per order against 1.78 / 1.50 / 1.59: about 5% more
 * CPU for about 17 MB less). Before that:
 * `deno task bench --one-process --duration 20`, three rounds alternating (same code, one sitting): with
 * `--heap-growing-percent=100` peak RSS 259.6 / 267.1 / 269.4 MB and 15.39 / 16.42 / 15.61 CPU-ms per
 * order; with 50, 234.0 / 235.1 / 236.9 MB and 16.73 / 16.20 / 15.75 ms (about 30 MB less for ~3% more CPU,
 * within the box's noise); with 50 and 4 MB semi-spaces, 229.7 / 238.4 / 227.7 MB at 18.87 / 16.62 / 17.21
 * ms, so the semi-spaces stay at 8 MB. Under load about 110 MB of the process is V8's heap (45-50 MB live
 * after a full GC, `--trace-gc`) and about 110 MB native memory (sockets and HTTP buffers, SQLite, threads);
 * `MALLOC_ARENA_MAX=2` changed nothing.
 */
export const ONE_PROCESS_V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=8",
  "--heap-growing-percent=25",
];

/**
 * The processes that also keep V8's young generation small (`LIGHT_SERVICE_V8_FLAGS`): stock, payments and
 * kitchen each spend 1-4 CPU-ms per order, so the extra scavenges cost them nothing measurable, while
 * their young generation grew as web's did (kitchen's peak RSS 170 MB, idle 98 MB). `deno task bench`,
 * two pairs alternating these flags against `PROCESS_V8_FLAGS` for the three (same code, one sitting):
 * CPU-ms per order stock 2.89/2.83 -> 2.89/2.82, payments 3.96/4.00 -> 3.94/3.91, kitchen 1.73/1.78 ->
 * 1.66/1.74; peak RSS stock 133/125 -> 122/114 MB, payments 130/126 -> 121/118, kitchen 170/167 ->
 * 130/130 (about 55 MB less in all).
 */
export const SMALL_YOUNG_GENERATION: ReadonlySet<ProgramName> = new Set([
  "stock",
  "payments",
  "kitchen",
]);

/** The `deno run` flags of program `name` (after `run -A`, before any extra flag and the entry). */
export function runtimeFlags(name: ProgramName): string[] {
  return [
    `--v8-flags=${
      (name === "oms"
        ? ONE_PROCESS_V8_FLAGS
        : SMALL_YOUNG_GENERATION.has(name)
        ? LIGHT_SERVICE_V8_FLAGS
        : PROCESS_V8_FLAGS).join(",")
    }`,
  ];
}
