/**
 * One profile run: the system as `deno task bench` starts it, each OMS process with `--inspect` on a free
 * port; a CPU profile of every process recorded through its inspector from just before the load
 * generator starts until its visits are done and the kitchen has prepared the last tickets (its final
 * check is not recorded), with each process's CPU read from /proc over the same window.
 *
 * @module
 */
import type { Report as LoadReport } from "../../load/report.ts";
import { amqpHostPort } from "../../broker.ts";
import { freePort, PROCESSES, type ProcessName } from "../../launcher.ts";
import { findBrokerPid, procUsage } from "../procfs.ts";
import { runHeldLoad, type Say } from "../run.ts";
import { startBenchSystem } from "../system.ts";
import type { CpuProfile } from "./cpuprofile.ts";
import type { ProfileOptions } from "./options.ts";
import { type Recording, startProfile } from "./profiler.ts";

/** The profile of one process. */
export interface ProcessProfile {
  /** The process. */
  name: ProcessName;
  /** Its CPU profile over the load window. */
  profile: CpuProfile;
  /** Its CPU seconds over the load window, from /proc (inspector and sampler included). */
  cpuS: number;
}

/** What one profile run measured. */
export interface ProfileRun {
  /** Every OMS process's profile, in start order. */
  processes: ProcessProfile[];
  /** The broker's CPU seconds over the window, when a local broker was found. */
  brokerCpuS?: number;
  /** Orders the load placed. */
  ordersPlaced: number;
  /** Orders per second. */
  ordersPerS: number;
  /** The load's duration, seconds. */
  durationS: number;
  /** The load generator's exit code (non-zero: its final check found problems). */
  loadCode: number;
}

/** Runs the system under load with every process profiled. */
export async function runProfile(
  opts: ProfileOptions,
  say: Say,
  env: Record<string, string> = Deno.env.toObject(),
): Promise<ProfileRun> {
  const amqpUrl = env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
  const brokerPid = findBrokerPid(amqpHostPort(amqpUrl).port);
  const inspect = Object.fromEntries(PROCESSES.map((n) => [n, `127.0.0.1:${freePort()}`])) as Record<
    ProcessName,
    string
  >;
  say("bench:profile: starting the system, each process with --inspect ...");
  const sys = await startBenchSystem(amqpUrl, say, env, (name) => [`--inspect=${inspect[name]}`]);
  try {
    const items = await sys.restockAll(opts.restock);
    say(`bench:profile: restocked ${items} items by ${opts.restock} units each`);
    const pids = PROCESSES.map((n) => sys.procs[n].pid!);
    const recordings: Recording[] = await Promise.all(
      PROCESSES.map((n) => startProfile(inspect[n], opts.intervalUs)),
    );
    say(
      `bench:profile: profiling every ${opts.intervalUs} µs; load: ${opts.concurrency} shoppers for ${opts.durationS} s ...`,
    );
    const before = pids.map((pid) => procUsage(pid).cpuS);
    const brokerBefore = brokerPid === undefined ? undefined : procUsage(brokerPid).cpuS;
    let after: number[] = [];
    let brokerAfter: number | undefined;
    let profiles: Awaited<ReturnType<Recording["stop"]>>[] = [];
    const settleMs = 2 * sys.kitchenPrepMs + 1000;
    // as deno task bench: the window ends after the kitchen's last tickets, before the final check
    const load = await runHeldLoad([
      "--url",
      sys.url,
      "--duration",
      String(opts.durationS),
      "--concurrency",
      String(opts.concurrency),
      "--json",
    ], async () => {
      await new Promise((r) => setTimeout(r, settleMs));
      after = pids.map((pid) => procUsage(pid).cpuS);
      brokerAfter = brokerPid === undefined ? undefined : procUsage(brokerPid).cpuS;
      profiles = await Promise.all(recordings.map((r) => r.stop()));
    });
    let report: LoadReport;
    try {
      report = JSON.parse(load.stdout) as LoadReport;
    } catch {
      throw new Error(
        `The load generator exited ${load.code} without a JSON report:\n${load.stdout.slice(0, 2000)}`,
      );
    }
    return {
      processes: PROCESSES.map((name, i) => ({ name, profile: profiles[i]!, cpuS: after[i]! - before[i]! })),
      brokerCpuS: brokerBefore === undefined ? undefined : brokerAfter! - brokerBefore,
      ordersPlaced: report.orders.placed,
      ordersPerS: report.orders.perSecond,
      durationS: report.durationS,
      loadCode: load.code,
    };
  } finally {
    say("bench:profile: stopping the system ...");
    await sys.stop();
  }
}
