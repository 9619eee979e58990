/**
 * Test support (test code only): a stand-in for a process's OpenTelemetry Prometheus exporter. It
 * keeps a few instruments under the names in `METRIC` (the request histogram of a service or of web,
 * and the messaging gauges and counters) and serves them as Prometheus text on a local port, so the
 * System page can be tested before, and independently of, the real exporters.
 *
 * @module
 */
import { METRIC } from "../../../services/common/metrics/names.ts";
import { msPerUnit, requestHistogram, type ServeKind } from "./digest.ts";

/** OpenTelemetry's default explicit bucket bounds (in the instrument's unit). */
const BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

function escape(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

interface Series {
  labels: Record<string, string>;
  counts: number[];
  sum: number;
  count: number;
}

/** A stand-in exporter of one process (see the module doc). */
export class StandInExporter {
  readonly #series = new Map<string, Series>();
  readonly #bounds: number[];
  /** Messages ready per queue (`METRIC.queueDepth`). */
  readonly queueDepth: Record<string, number> = {};
  /** Finished deliveries per queue and outcome (`METRIC.consumed`). */
  readonly consumed: Record<string, Record<string, number>> = {};
  /** Outbox records and oldest age per service. */
  readonly outbox: Record<string, { records: number; oldestAgeSeconds: number }> = {};
  /** Dead letters per service (`METRIC.deadLetters`). */
  readonly deadLetters: Record<string, number> = {};
  /** Scrapes answered. */
  scrapes = 0;
  /** Extra text appended to every answer (e.g. a broken line). */
  extra = "";

  /** A stand-in for a gRPC service (`rpc`) or for web (`http`). */
  constructor(readonly kind: ServeKind) {
    const scale = msPerUnit(requestHistogram(kind));
    this.#bounds = BOUNDS.map((b) => b / scale);
  }

  /** Records one request of `ms` milliseconds that ended with `status` (gRPC code or HTTP status). */
  observe(ms: number, status: string | number = this.kind === "rpc" ? 0 : 200, method = "Call"): void {
    const labels: Record<string, string> = this.kind === "rpc"
      ? { rpc_service: "oms.test.v1.TestService", rpc_method: method, rpc_grpc_status_code: String(status) }
      : { http_request_method: "GET", http_route: `/${method}`, http_response_status_code: String(status) };
    const key = JSON.stringify(labels);
    let s = this.#series.get(key);
    if (!s) {
      s = { labels, counts: new Array(this.#bounds.length).fill(0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    const value = ms / msPerUnit(requestHistogram(this.kind));
    const i = this.#bounds.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  /** The exposition, as the OpenTelemetry exporter writes it. */
  text(): string {
    const h = requestHistogram(this.kind);
    const scope = { otel_scope_name: "oms" };
    const out = [
      "# HELP target_info Target metadata",
      "# TYPE target_info gauge",
      'target_info{service_name="stand-in"} 1',
      `# HELP ${h} Request durations (stand-in)`,
      `# TYPE ${h} histogram`,
    ];
    for (const s of this.#series.values()) {
      const labels = { ...s.labels, ...scope };
      out.push(`${h}_count${labelText(labels)} ${s.count}`, `${h}_sum${labelText(labels)} ${s.sum}`);
      let cumulative = 0;
      s.counts.forEach((n, i) => {
        cumulative += n;
        out.push(`${h}_bucket${labelText({ ...labels, le: String(this.#bounds[i]) })} ${cumulative}`);
      });
      out.push(`${h}_bucket${labelText({ ...labels, le: "+Inf" })} ${s.count}`);
    }
    const gauge = (name: string, type: string, rows: [Record<string, string>, number][]) => {
      out.push(`# TYPE ${name} ${type}`);
      for (const [labels, v] of rows) out.push(`${name}${labelText({ ...labels, ...scope })} ${v}`);
    };
    gauge(
      METRIC.queueDepth,
      "gauge",
      Object.entries(this.queueDepth).map(([q, v]) => [{ messaging_destination_name: q }, v]),
    );
    gauge(
      METRIC.consumed,
      "counter",
      Object.entries(this.consumed).flatMap(([q, byOutcome]) =>
        Object.entries(byOutcome).map(([o, v]): [Record<string, string>, number] => [
          { messaging_destination_name: q, oms_outcome: o },
          v,
        ])
      ),
    );
    gauge(
      METRIC.outboxRecords,
      "gauge",
      Object.entries(this.outbox).map(([s, o]) => [{ oms_service: s }, o.records]),
    );
    gauge(
      METRIC.outboxOldestAge,
      "gauge",
      Object.entries(this.outbox).map(([s, o]) => [{ oms_service: s }, o.oldestAgeSeconds]),
    );
    gauge(
      METRIC.deadLetters,
      "gauge",
      Object.entries(this.deadLetters).map(([s, v]) => [{ oms_service: s }, v]),
    );
    return out.join("\n") + "\n" + this.extra;
  }

  /** Serves {@linkcode text} at `/metrics` on a free local port; returns its URL and a closer. */
  serve(): { url: string; addr: string; close(): Promise<void> } {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      if (new URL(req.url).pathname !== "/metrics") return new Response("not found", { status: 404 });
      this.scrapes++;
      return new Response(this.text(), { headers: { "content-type": "text/plain; version=0.0.4" } });
    });
    const addr = `127.0.0.1:${server.addr.port}`;
    return { url: `http://${addr}/metrics`, addr, close: () => server.shutdown() };
  }
}
