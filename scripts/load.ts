/**
 * `deno task load`: simulated shoppers against a running OMS, a live progress line on stderr, then a
 * report (orders/s, p50/p95/p99 per step, errors by kind) and a final check of every order the run
 * created. See `--help` and the README's "Load testing" section.
 *
 * Exit code: 0 when every order is where it should be, 1 when one is lost or stuck, 2 for bad options
 * or an unreachable target.
 *
 * @module
 */
import { HOLD_LINE, OptionsError, parseOptions, USAGE } from "./load/options.ts";
import { stderrSink } from "./load/progress.ts";
import { formatReport } from "./load/report.ts";
import { preflight, runLoad } from "./load/run.ts";

/** Runs the command with `args`; resolves with the exit code. */
export async function main(args: string[]): Promise<number> {
  let opts;
  try {
    opts = parseOptions(args);
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    console.error(`load: ${err.message}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const problem = await preflight(opts);
  if (problem) {
    console.error(`load: ${problem}`);
    return 2;
  }
  const stop = new AbortController();
  const onInterrupt = () => {
    if (stop.signal.aborted) Deno.exit(130);
    console.error("\nload: stopping after the visits in progress (Ctrl-C again to quit now) ...");
    stop.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const sink = stderrSink();
    sink.write(
      `load: ${opts.concurrency} shoppers against ${opts.url} for ${opts.durationS} s` +
        `${opts.maxOrders === undefined ? "" : ` or ${opts.maxOrders} orders`} ...\n`,
    );
    const beforeCheck = opts.holdCheck
      ? async () => {
        sink.write(`${HOLD_LINE}\n`);
        await untilLineOrEnd(Deno.stdin.readable);
      }
      : undefined;
    const report = await runLoad(opts, { progress: sink, signal: stop.signal, beforeCheck });
    if (opts.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatReport(report));
    return report.exitCode;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

/** Resolves when `input` has given a newline or ended (its reader is released, the rest left unread). */
export async function untilLineOrEnd(input: ReadableStream<Uint8Array>): Promise<void> {
  const reader = input.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done || value.includes(0x0a)) return;
    }
  } finally {
    reader.releaseLock();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
