/**
 * The System page's model, from what the scraper holds: per process, its metrics state (off: no
 * endpoint configured; unreachable/failing: the last scrape failed; collecting: fewer than two scrapes;
 * live) and its RED series; across processes, the latest queue depths and delivery rates, outboxes and
 * dead letters. Pure, so it is tested on plain digests.
 *
 * @module
 */
import {
  METRICS_PROCESSES,
  metricsPortVar,
  type MetricsProcess,
} from "../../../services/common/metrics/endpoints.ts";
import type { Digest, OutboxState } from "./digest.ts";
import { consumedRates, redBetween, type RedPoint, redSeries } from "./rates.ts";
import type { ProcessMetrics } from "./scraper.ts";

/** How a process's metrics stand. */
export type MetricsStatus = "off" | "failing" | "collecting" | "live";

/** One process on the page. */
export interface ProcessView {
  /** The process. */
  proc: MetricsProcess;
  /** Its metrics state. */
  status: MetricsStatus;
  /** Its endpoint (absent when off). */
  url?: string;
  /** The variable that turns its metrics on. */
  portVar: string;
  /** Why the last scrape failed. */
  error?: string;
  /** RED points, oldest first. */
  points: RedPoint[];
  /** RED over the last {@linkcode RECENT_INTERVALS} intervals (steadier than one), if any. */
  latest: RedPoint | null;
}

/** Intervals the current numbers are taken over (30 s at the default interval). */
export const RECENT_INTERVALS = 6;

/** One queue. */
export interface QueueRow {
  /** Queue name. */
  queue: string;
  /** Messages ready (null: no process reports it). */
  depth: number | null;
  /** Deliveries per second by outcome (processed, retried, parked, failed) over the last interval. */
  rates: Record<string, number>;
}

/** The whole page. */
export interface SystemView {
  /** Per process, in {@linkcode METRICS_PROCESSES} order. */
  processes: ProcessView[];
  /** True when no process has an endpoint configured. */
  metricsOff: boolean;
  /** Queues, by name. */
  queues: QueueRow[];
  /** Outbox per service, by name. */
  outboxes: (OutboxState & { service: string })[];
  /** Dead letters per service, from the metrics. */
  deadLetters: Record<string, number>;
  /** Slots of the charts (the scraper's capacity). */
  slots: number;
  /** Seconds between scrapes. */
  intervalSeconds: number;
}

function processView(proc: MetricsProcess, m: ProcessMetrics | undefined): ProcessView {
  const portVar = metricsPortVar(proc);
  if (!m) return { proc, status: "off", portVar, points: [], latest: null };
  const points = redSeries(m.history);
  const status: MetricsStatus = m.error ? "failing" : points.length === 0 ? "collecting" : "live";
  return {
    proc,
    status,
    url: m.url,
    portVar,
    ...(m.error ? { error: m.error } : {}),
    points,
    latest: m.history.length < 2
      ? null
      : redBetween(m.history[Math.max(0, m.history.length - 1 - RECENT_INTERVALS)]!, m.history.at(-1)!),
  };
}

/** Builds the page model from the scraper's `state` (see the module doc). */
export function systemView(
  state: readonly ProcessMetrics[],
  slots: number,
  intervalSeconds: number,
): SystemView {
  const byProc = new Map(state.map((m) => [m.proc, m]));
  const depth: Record<string, number> = {};
  const rates: Record<string, Record<string, number>> = {};
  const outboxes: Record<string, OutboxState> = {};
  const deadLetters: Record<string, number> = {};
  for (const m of state) {
    const last: Digest | undefined = m.history.at(-1);
    if (!last) continue;
    // replicas of a service (and processes sharing a broker) report the same gauges: take the largest
    for (const [q, n] of Object.entries(last.queueDepth)) depth[q] = Math.max(depth[q] ?? 0, n);
    for (const [s, o] of Object.entries(last.outbox)) {
      const was = outboxes[s];
      outboxes[s] = {
        records: Math.max(was?.records ?? 0, o.records),
        oldestAgeSeconds: Math.max(was?.oldestAgeSeconds ?? 0, o.oldestAgeSeconds),
      };
    }
    for (const [s, n] of Object.entries(last.deadLetters)) deadLetters[s] = Math.max(deadLetters[s] ?? 0, n);
    const prev = m.history.at(-2);
    // deliveries split over consumers: add them up
    if (prev) {
      for (const [q, byOutcome] of Object.entries(consumedRates(prev, last))) {
        const r = (rates[q] ??= {});
        for (const [o, v] of Object.entries(byOutcome)) r[o] = (r[o] ?? 0) + v;
      }
    }
    for (const q of Object.keys(last.consumed)) rates[q] ??= {};
  }
  const queues = [...new Set([...Object.keys(depth), ...Object.keys(rates)])].sort().map((queue) => ({
    queue,
    depth: depth[queue] ?? null,
    rates: rates[queue] ?? {},
  }));
  return {
    processes: METRICS_PROCESSES.map((p) => processView(p, byProc.get(p))),
    metricsOff: state.length === 0,
    queues,
    outboxes: Object.keys(outboxes).sort().map((service) => ({ service, ...outboxes[service]! })),
    deadLetters,
    slots,
    intervalSeconds,
  };
}
