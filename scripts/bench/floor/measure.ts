/**
 * CPU cost of one operation: runs it in `lanes` concurrent loops (1: one at a time) after a warm-up and
 * divides the CPU spent by every process involved (this one, from the OS through `process.cpuUsage`, plus any other pid, e.g. the
 * broker, from `/proc`) by the number of operations.
 *
 * @module
 */
import process from "node:process";
import { procUsage } from "../procfs.ts";

/** The cost of one primitive. */
export interface PrimitiveCost {
  /** CPU milliseconds per operation, every process involved. */
  cpuMs: number;
  /** Of which other processes (e.g. the broker), CPU ms per operation. */
  otherCpuMs: number;
  /** Wall milliseconds per operation (for context only). */
  wallMs: number;
  /** Operations measured. */
  ops: number;
  /** Operations in flight at once. */
  lanes: number;
}

/** Options of {@linkcode measureCpuPerOp}. */
export interface MeasureOptions {
  /** Operations measured. */
  ops: number;
  /** Operations run first and not counted (JIT, connections). */
  warmup: number;
  /** Operations in flight at once (default 1). */
  lanes?: number;
  /** Other processes whose CPU counts (read from `/proc/<pid>/stat`). */
  otherPids?: number[];
}

/** Runs `op(from)` .. `op(from + count - 1)`, `lanes` at a time. */
async function runLanes(op: (i: number) => Promise<unknown>, from: number, count: number, lanes: number) {
  let next = from;
  const end = from + count;
  const lane = async () => {
    while (next < end) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, count)) }, lane));
}

/** CPU seconds of this process so far (user + system, from the OS). */
export function selfCpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs `op` `warmup + ops` times, `lanes` at a time; the cost of one, measured over the last `ops`. */
export async function measureCpuPerOp(
  op: (i: number) => Promise<unknown>,
  opts: MeasureOptions,
): Promise<PrimitiveCost> {
  if (!(opts.ops >= 1)) throw new RangeError(`ops must be at least 1, got ${opts.ops}`);
  const lanes = opts.lanes ?? 1;
  await runLanes(op, 0, opts.warmup, lanes);
  const others = opts.otherPids ?? [];
  const other0 = others.reduce((s, pid) => s + procUsage(pid).cpuS, 0);
  const self0 = selfCpuS();
  const t0 = performance.now();
  await runLanes(op, opts.warmup, opts.ops, lanes);
  const wallMs = performance.now() - t0;
  const selfS = selfCpuS() - self0;
  const otherS = others.reduce((s, pid) => s + procUsage(pid).cpuS, 0) - other0;
  return {
    cpuMs: ((selfS + otherS) * 1000) / opts.ops,
    otherCpuMs: (otherS * 1000) / opts.ops,
    wallMs: wallMs / opts.ops,
    ops: opts.ops,
    lanes,
  };
}
