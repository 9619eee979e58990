/**
 * Waiting for a quiet machine before the floor is measured. The floor's CPU per operation rises by a
 * third or more while anything else runs (on this 2-core box the two vCPUs share caches): measured just
 * after the system stopped, while the broker was still deleting the run's queues and users, every
 * primitive cost 30-50% more than a minute later, which would flatter the ratio. So each floor waits
 * until the whole machine is mostly idle (`/proc/stat`), for a bounded time.
 *
 * @module
 */

/** Busy and total jiffies of all CPUs, from the first line of `/proc/stat`. */
export interface CpuTimes {
  /** Jiffies not idle (everything but idle and iowait). */
  busy: number;
  /** All jiffies. */
  total: number;
}

/** The aggregate `cpu` line of `/proc/stat`'s text. */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("No aggregate cpu line in /proc/stat");
  // user nice system idle iowait irq softirq steal (guest times are already in user and nice)
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 5 || f.some((n) => !Number.isFinite(n))) throw new Error(`Bad /proc/stat cpu line: ${line}`);
  const total = f.reduce((s, n) => s + n, 0);
  const idle = f[3]! + f[4]!;
  return { busy: total - idle, total };
}

/** Reads the machine's CPU times now. */
export function readCpuTimes(): CpuTimes {
  return parseProcStat(Deno.readTextFileSync("/proc/stat"));
}

/** How {@linkcode waitForQuiet} went. */
export interface QuietResult {
  /** True when a window was quiet enough before the time was up. */
  quiet: boolean;
  /** The last window's idle share, 0 to 1. */
  idle: number;
  /** How long it waited, ms. */
  waitedMs: number;
}

/** What {@linkcode waitForQuiet} waits for and how it reads the machine (tests give their own). */
export interface QuietOptions {
  /** The idle share a window must reach (default 0.9). */
  minIdle?: number;
  /** Length of one window, ms (default 1000). */
  windowMs?: number;
  /** The longest wait, ms (default 30000); then it goes on anyway. */
  timeoutMs?: number;
  /** Reads the CPU times (default {@linkcode readCpuTimes}). */
  read?: () => CpuTimes;
  /** Waits `ms` (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** Waits, window by window, until the machine was idle for at least `minIdle` of one window. */
export async function waitForQuiet(options: QuietOptions = {}): Promise<QuietResult> {
  const minIdle = options.minIdle ?? 0.9;
  const windowMs = options.windowMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const read = options.read ?? readCpuTimes;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let waitedMs = 0;
  let idle = 0;
  let before = read();
  for (;;) {
    await sleep(windowMs);
    waitedMs += windowMs;
    const now = read();
    const total = now.total - before.total;
    idle = total > 0 ? 1 - (now.busy - before.busy) / total : 0;
    before = now;
    if (idle >= minIdle) return { quiet: true, idle, waitedMs };
    if (waitedMs >= timeoutMs) return { quiet: false, idle, waitedMs };
  }
}
