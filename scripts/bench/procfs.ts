/**
 * What the operating system says a process has used, read from Linux's `/proc`: CPU seconds
 * (`/proc/<pid>/stat` utime + stime, every thread of the process) and peak resident memory
 * (`/proc/<pid>/status` VmHWM). Also finds the RabbitMQ broker's `beam.smp` process.
 *
 * @module
 */

/** What one process has used so far. */
export interface ProcUsage {
  /** User + system CPU seconds since the process started. */
  cpuS: number;
  /** Peak resident set size in KiB (VmHWM). */
  peakRssKb: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second of `/proc` times (`getconf CLK_TCK`, 100 when it cannot be asked). */
export function clockTicksPerSecond(): number {
  if (clockTicks !== undefined) return clockTicks;
  clockTicks = 100;
  try {
    const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped", stderr: "null" })
      .outputSync();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    if (out.success && Number.isInteger(n) && n > 0) clockTicks = n;
  } catch {
    // no getconf: Linux's USER_HZ is 100
  }
  return clockTicks;
}

/**
 * User + system CPU seconds from the text of `/proc/<pid>/stat` (fields 14 and 15; the command name
 * in parentheses may contain spaces, so fields are counted after its closing parenthesis).
 */
export function parseStatCpuS(stat: string, ticksPerS: number): number {
  const close = stat.lastIndexOf(")");
  if (close < 0) throw new Error(`Not a /proc/<pid>/stat line: ${JSON.stringify(stat.slice(0, 80))}`);
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`No utime/stime in /proc/<pid>/stat: ${JSON.stringify(stat.slice(0, 120))}`);
  }
  return (utime + stime) / ticksPerS;
}

/** Peak RSS in KiB from the text of `/proc/<pid>/status` (its `VmHWM:` line; 0 when absent). */
export function parseStatusPeakRssKb(status: string): number {
  return parseStatusKb(status, "VmHWM");
}

/** A `<field>: <n> kB` line of `/proc/<pid>/status` in KiB (0 when absent), e.g. `VmRSS`. */
export function parseStatusKb(status: string, field: string): number {
  const m = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m"));
  return m ? Number(m[1]) : 0;
}

/** The current RSS of process `pid` in KiB (`VmRSS`). */
export function currentRssKb(pid: number): number {
  return parseStatusKb(Deno.readTextFileSync(`/proc/${pid}/status`), "VmRSS");
}

/** CPU seconds and peak RSS of process `pid` (`"self"` for this one); throws when it is gone. */
export function procUsage(pid: number | "self"): ProcUsage {
  return {
    cpuS: parseStatCpuS(Deno.readTextFileSync(`/proc/${pid}/stat`), clockTicksPerSecond()),
    peakRssKb: parseStatusPeakRssKb(Deno.readTextFileSync(`/proc/${pid}/status`)),
  };
}

/** Like {@linkcode procUsage}, undefined when `/proc` cannot tell (not Linux, process gone). */
export function tryProcUsage(pid: number | "self"): ProcUsage | undefined {
  try {
    return procUsage(pid);
  } catch {
    return undefined;
  }
}

/**
 * The inode of the TCP socket listening on `port` from the text of `/proc/net/tcp` or `/proc/net/tcp6`
 * (state 0A = LISTEN), or undefined.
 */
export function listeningInode(netTcp: string, port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of netTcp.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A") return f[9];
  }
  return undefined;
}

/** Pids of every process whose command name is `comm`. */
export function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${e.name}/comm`).trim() === comm) pids.push(Number(e.name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * The pid of the RabbitMQ node serving AMQP on `port`: the `beam.smp` process holding the listening
 * socket, else the only `beam.smp` there is; undefined when neither can be told.
 */
export function findBrokerPid(port: number): number | undefined {
  const beams = pidsNamed("beam.smp");
  if (beams.length === 0) return undefined;
  const inodes = ["/proc/net/tcp", "/proc/net/tcp6"].map((p) => {
    try {
      return listeningInode(Deno.readTextFileSync(p), port);
    } catch {
      return undefined;
    }
  }).filter((i): i is string => i !== undefined);
  for (const pid of beams) {
    try {
      for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
        const target = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
        if (inodes.some((i) => target === `socket:[${i}]`)) return pid;
      }
    } catch {
      // not ours to read
    }
  }
  return beams.length === 1 ? beams[0] : undefined;
}
