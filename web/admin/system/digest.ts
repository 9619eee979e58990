/**
 * What the System page keeps of one scrape: a few sums read by the names in `METRIC` (so the ring
 * buffer holds small records, not whole expositions): requests and errors served, the latency
 * histogram summed over every series, and the messaging gauges and counters.
 *
 * - A service's requests are its gRPC server calls (`METRIC.rpcServerDuration`); errors are calls
 *   that ended with a server-side status (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
 *   UNAVAILABLE, DATA_LOSS: OpenTelemetry's rule for a gRPC server span's error status); a refusal of
 *   the caller's request (NOT_FOUND, INVALID_ARGUMENT, ...) is an answer, not an error.
 * - Web's requests are HTTP requests (`METRIC.httpServerDuration`); errors are 5xx answers.
 *
 * @module
 */
import { METRIC } from "../../../services/common/metrics/names.ts";
import type { Exposition } from "../../../services/common/metrics/prometheus_text.ts";

/** How a process serves: gRPC (the services) or HTTP (web). */
export type ServeKind = "rpc" | "http";

/** A cumulative histogram bucket: the count of observations at or below `le` (ms). */
export interface Bucket {
  /** Upper bound in milliseconds (`Infinity` for the last). */
  le: number;
  /** Observations at or below it. */
  count: number;
}

/** The outbox of one service. */
export interface OutboxState {
  /** Records waiting. */
  records: number;
  /** Age of the oldest, in seconds (0 when empty). */
  oldestAgeSeconds: number;
}

/** One scrape, summed. */
export interface Digest {
  /** When it was taken (epoch ms). */
  at: number;
  /** Requests served so far (a counter). */
  requests: number;
  /** Of them, errors (a counter). */
  errors: number;
  /** The latency histogram over every series, ascending `le`, in ms. */
  buckets: Bucket[];
  /** Messages ready per queue (gauge). */
  queueDepth: Record<string, number>;
  /** Deliveries finished per queue and outcome (counters). */
  consumed: Record<string, Record<string, number>>;
  /** Outbox per service (gauges). */
  outbox: Record<string, OutboxState>;
  /** Parked messages per service (gauge). */
  deadLetters: Record<string, number>;
}

/** gRPC status codes that are the server's failure (numbers and names). */
const GRPC_SERVER_ERRORS = new Set([
  "2",
  "4",
  "12",
  "13",
  "14",
  "15",
  "UNKNOWN",
  "DEADLINE_EXCEEDED",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
]);

/** True when a served request counts as an error. */
export function isError(kind: ServeKind, labels: Readonly<Record<string, string>>): boolean {
  if (kind === "rpc") return GRPC_SERVER_ERRORS.has(labels.rpc_grpc_status_code ?? "");
  return Number(labels.http_response_status_code) >= 500;
}

/** Milliseconds per unit of a histogram named `name` (`_seconds`: 1000; else ms). */
export function msPerUnit(name: string): number {
  return name.endsWith("_seconds") ? 1000 : 1;
}

/** The histogram of requests a process of `kind` serves. */
export function requestHistogram(kind: ServeKind): string {
  return kind === "rpc" ? METRIC.rpcServerDuration : METRIC.httpServerDuration;
}

function add(map: Record<string, number>, key: string, n: number): void {
  map[key] = (map[key] ?? 0) + n;
}

/** Sums an exposition taken at `at` from a process of `kind`. */
export function digestOf(expo: Exposition, at: number, kind: ServeKind): Digest {
  const histogram = requestHistogram(kind);
  const scale = msPerUnit(histogram);
  const count = `${histogram}_count`;
  const bucket = `${histogram}_bucket`;
  const d: Digest = {
    at,
    requests: 0,
    errors: 0,
    buckets: [],
    queueDepth: {},
    consumed: {},
    outbox: {},
    deadLetters: {},
  };
  const buckets = new Map<number, number>();
  const outbox = (service: string) => (d.outbox[service] ??= { records: 0, oldestAgeSeconds: 0 });
  for (const { name, labels, value } of expo.samples) {
    if (!Number.isFinite(value)) continue;
    switch (name) {
      case count:
        d.requests += value;
        if (isError(kind, labels)) d.errors += value;
        break;
      case bucket: {
        const le = labels.le === "+Inf" ? Infinity : Number(labels.le) * scale;
        if (!Number.isNaN(le)) buckets.set(le, (buckets.get(le) ?? 0) + value);
        break;
      }
      case METRIC.queueDepth:
        add(d.queueDepth, labels.messaging_destination_name ?? "", value);
        break;
      case METRIC.consumed:
        add(
          d.consumed[labels.messaging_destination_name ?? ""] ??= {},
          labels.oms_outcome ?? "processed",
          value,
        );
        break;
      case METRIC.outboxRecords:
        outbox(labels.oms_service ?? "").records += value;
        break;
      case METRIC.outboxOldestAge: {
        const o = outbox(labels.oms_service ?? "");
        o.oldestAgeSeconds = Math.max(o.oldestAgeSeconds, value);
        break;
      }
      case METRIC.deadLetters:
        add(d.deadLetters, labels.oms_service ?? "", value);
        break;
    }
  }
  d.buckets = [...buckets].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
  return d;
}
