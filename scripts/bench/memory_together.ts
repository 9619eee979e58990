/**
 * What OMS's processes hold together, sampled while the load runs. Each process's peak RSS (`VmHWM`, the
 * table's column) counts the pages it shares with the others once per process: every OMS process maps
 * the same `deno` binary, about 45-50 MB of it resident in each. So the sum of the peaks overstates
 * what the machine gives OMS twice over: by those shared pages, and by adding peaks that came at
 * different times.
 *
 * Every {@linkcode SAMPLE_EVERY_MS} the processes' `/proc/<pid>/smaps_rollup` are read at once, and two
 * figures kept at their peak over the samples: the sum of their RSS, and that sum with the shared pages
 * counted once (each process's private pages, plus the shared pages of the process with the most of
 * them: the shared pages are the same files' pages in every process, the binary's and the C
 * libraries').
 *
 * @module
 */
import { parseStatusKb } from "./procfs.ts";

/** How often the processes are sampled. */
export const SAMPLE_EVERY_MS = 2000;

/** One process's memory at one moment, in KiB (`/proc/<pid>/smaps_rollup`). */
export interface RollupKb {
  /** Resident pages. */
  rss: number;
  /** Of `rss`, pages other processes map too (`Shared_Clean` + `Shared_Dirty`). */
  shared: number;
  /** Of `rss`, pages only this process maps (`Private_Clean` + `Private_Dirty`). */
  private: number;
}

/** The figures of a `/proc/<pid>/smaps_rollup` text (zeros for lines it lacks). */
export function parseSmapsRollup(text: string): RollupKb {
  const kb = (field: string) => parseStatusKb(text, field);
  return {
    rss: kb("Rss"),
    shared: kb("Shared_Clean") + kb("Shared_Dirty"),
    private: kb("Private_Clean") + kb("Private_Dirty"),
  };
}

/** What the processes held together at their peaks, in KiB. */
export interface MemoryTogether {
  /** How many samples were taken. */
  samples: number;
  /** The largest sum of the processes' RSS in one sample. */
  peakRssSumKb: number;
  /** The largest sum in one sample with the shared pages counted once (see the module doc). */
  peakSharedOnceKb: number;
}

/** The sum of `rollups`' private pages plus the largest of their shared pages. */
export function sharedOnceKb(rollups: readonly RollupKb[]): number {
  return rollups.reduce((s, r) => s + r.private, 0) + Math.max(0, ...rollups.map((r) => r.shared));
}

/** Reads one process's rollup; undefined once it is gone. */
export type RollupReader = (pid: number) => RollupKb | undefined;

/** Reads `/proc/<pid>/smaps_rollup`. */
export const readRollup: RollupReader = (pid) => {
  try {
    return parseSmapsRollup(Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`));
  } catch {
    return undefined;
  }
};

/** Keeps the peaks of the samples it is given. */
export class MemoryPeaks {
  #samples = 0;
  #rss = 0;
  #once = 0;

  /** `pids` read now with `read`; a sample missing a process is not counted. */
  sample(pids: readonly number[], read: RollupReader = readRollup): void {
    const rollups: RollupKb[] = [];
    for (const pid of pids) {
      const r = read(pid);
      if (!r) return;
      rollups.push(r);
    }
    this.#samples++;
    this.#rss = Math.max(this.#rss, rollups.reduce((s, r) => s + r.rss, 0));
    this.#once = Math.max(this.#once, sharedOnceKb(rollups));
  }

  /** The peaks so far. */
  get peaks(): MemoryTogether {
    return { samples: this.#samples, peakRssSumKb: this.#rss, peakSharedOnceKb: this.#once };
  }
}

/** Samples `pids` every `everyMs` (and once at once) until `stop()`, which answers the peaks. */
export function sampleTogether(
  pids: readonly number[],
  everyMs = SAMPLE_EVERY_MS,
  read: RollupReader = readRollup,
): { stop(): MemoryTogether } {
  const peaks = new MemoryPeaks();
  peaks.sample(pids, read);
  const timer = setInterval(() => peaks.sample(pids, read), everyMs);
  return {
    stop() {
      clearInterval(timer);
      peaks.sample(pids, read);
      return peaks.peaks;
    },
  };
}
