/**
 * Where a Deno process's CPU went, by thread, from Linux's `/proc/<pid>/task/<tid>/` (`comm` and `stat`):
 * the inspector's CPU profile (`deno task bench:profile`) sees only the JavaScript thread, while Deno KV's
 * SQLite work, V8's garbage collection and compilation, and the runtime's blocking I/O run on threads of
 * their own. Deno 2.9 names them, so each thread falls in one {@linkcode ThreadKind}:
 *
 * | kind | thread name (`comm`) | what runs there |
 * | --- | --- | --- |
 * | `js` | `deno` | JavaScript, Deno's ops called from it, the event loop's I/O |
 * | `kv` | `sw-<n>` | one per open Deno KV store: its SQLite reads and commits (B-tree pages, WAL, `fsync`) |
 * | `v8` | `V8 DefaultWorke…` | V8's platform workers: concurrent/parallel GC, background compilation |
 * | `io` | `tokio-runtime-w…` | the runtime's blocking pool (file system ops, DNS) |
 * | `other` | anything else | |
 *
 * Under `deno run` (every process the bench starts) JavaScript runs on the main thread, named `deno`;
 * `deno test` runs it on a runtime thread instead, so a test reads a `deno run` child, not itself.
 *
 * The `kv` kind was checked with `perf record -a -g` during `deno task bench`: every `sw-0` sample is in
 * SQLite, `pwrite64`/`fsync` or the KV request channel, and web, which opens no store, has no `sw-*`
 * thread. A thread that exits inside the window takes its CPU with it (none of these do while a service
 * runs).
 *
 * @module
 */
import { clockTicksPerSecond, parseStatCpuS } from "./procfs.ts";

/** The kinds of thread a Deno process's CPU is split into (see the module doc). */
export const THREAD_KINDS = ["js", "kv", "v8", "io", "other"] as const;
/** One of {@linkcode THREAD_KINDS}. */
export type ThreadKind = typeof THREAD_KINDS[number];

/** Column headings of the kinds, as the bench table prints them. */
export const THREAD_KIND_LABELS: Record<ThreadKind, string> = {
  js: "JS thread",
  kv: "KV SQLite",
  v8: "V8 GC+JIT",
  io: "I/O pool",
  other: "other",
};

/** The kind of a thread named `comm` (`/proc/<pid>/task/<tid>/comm`, at most 15 characters). */
export function threadKind(comm: string): ThreadKind {
  const name = comm.trim();
  if (name === "deno") return "js";
  if (/^sw-\d+$/.test(name)) return "kv";
  if (name.startsWith("V8 ")) return "v8";
  if (name.startsWith("tokio-runtime")) return "io";
  return "other";
}

/** CPU seconds so far of each thread of a process, by thread id. */
export type ThreadCpu = Map<number, { kind: ThreadKind; cpuS: number }>;

/** CPU seconds of every thread of process `pid` now; empty when `/proc` cannot tell (gone, not Linux). */
export function readThreadCpu(pid: number | "self"): ThreadCpu {
  const out: ThreadCpu = new Map();
  const ticks = clockTicksPerSecond();
  let tids: string[];
  try {
    tids = [...Deno.readDirSync(`/proc/${pid}/task`)].map((e) => e.name).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const comm = Deno.readTextFileSync(`/proc/${pid}/task/${tid}/comm`);
      const cpuS = parseStatCpuS(Deno.readTextFileSync(`/proc/${pid}/task/${tid}/stat`), ticks);
      out.set(Number(tid), { kind: threadKind(comm), cpuS });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** CPU seconds spent by each kind of thread between two readings of one process. */
export type ThreadCpuByKind = Record<ThreadKind, number>;

/**
 * What each kind of thread spent from `before` to `after` (a thread new in `after` counts from zero; one
 * gone by `after` is not counted).
 */
export function threadCpuDelta(before: ThreadCpu, after: ThreadCpu): ThreadCpuByKind {
  const sums = Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as ThreadCpuByKind;
  for (const [tid, t] of after) {
    const spent = t.cpuS - (before.get(tid)?.cpuS ?? 0);
    if (spent > 0) sums[t.kind] += spent;
  }
  return sums;
}
