/**
 * Bench reports for the pairs' tests: the figures a comparison reads, the rest minimal.
 *
 * @module
 */
import type { BenchReport } from "../report.ts";

/** A report whose compared figures are the given ones (`sqlite` split over two processes). */
export function fakeReport(
  f: { cpu: number; sqlite?: number; ratio: number; ordersPerS: number; rss: number },
  commit = "abc1234",
): BenchReport {
  const half = f.sqlite === undefined ? undefined : f.sqlite / 2;
  const threads = (kv: number | undefined) =>
    kv === undefined ? {} : { threadsMsPerOrder: { js: 1, kv, v8: 0.1, io: 0, other: 0 } };
  return {
    date: "2026-12-03T00:00:00.000Z",
    commit,
    machine: { cores: 2, os: "linux x86_64", hostname: "test" },
    options: { durationS: 3, concurrency: 4, floorLanes: 16, quick: true },
    floor: { primitives: {}, lifecycleCpuMs: f.cpu / f.ratio, rounds: [] } as unknown as BenchReport["floor"],
    load: { ordersPlaced: 100, ordersPerS: f.ordersPerS, paid: 90, durationS: 3, errors: 0, checkOk: true },
    processes: [
      { name: "orders", cpuS: 1, rssKb: 1, cpuMsPerOrder: f.cpu / 2, rssMiB: f.rss / 2, ...threads(half) },
      { name: "web", cpuS: 1, rssKb: 1, cpuMsPerOrder: f.cpu / 2, rssMiB: f.rss / 2, ...threads(half) },
    ],
    total: { cpuS: 2, cpuMsPerOrder: f.cpu, ratioToFloor: f.ratio, rssMiB: f.rss },
    steps: [],
    notes: [],
  };
}
