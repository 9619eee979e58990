/**
 * Records a CPU profile of a running `deno run --inspect=<host:port>` process through the inspector's
 * `Profiler` domain: `Profiler.enable`, `Profiler.setSamplingInterval`, `Profiler.start`, later
 * `Profiler.stop`, which hands back the profile.
 *
 * @module
 */
import type { CpuProfile } from "./cpuprofile.ts";
import { findDebuggerUrl, InspectorSession } from "./inspector.ts";

/** A profile being recorded. */
export interface Recording {
  /** Stops the profiler; resolves with the profile and closes the session. */
  stop(): Promise<CpuProfile>;
}

/** Starts profiling the process whose inspector listens on `hostPort`, sampling every `intervalUs`. */
export async function startProfile(hostPort: string, intervalUs: number): Promise<Recording> {
  const session = await InspectorSession.open(await findDebuggerUrl(hostPort));
  try {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await session.send("Profiler.start");
  } catch (err) {
    session.close();
    throw err;
  }
  return {
    async stop() {
      try {
        const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
        await session.send("Profiler.disable").catch(() => {});
        return profile;
      } finally {
        session.close();
      }
    },
  };
}
