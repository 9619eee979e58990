/**
 * One process on the System page: its metrics state (not enabled, failing, collecting, live), its
 * current rate, errors and p50 / p95, and its two charts (requests and errors per second; duration).
 *
 * @module
 */
import { formatMs, formatRate } from "./format.ts";
import { LineChart } from "./LineChart.tsx";
import { titleOf } from "./titles.ts";
import { type ProcessView, RECENT_INTERVALS } from "./view.ts";

/** Props of {@linkcode ProcessPanel}. */
export interface ProcessPanelProps {
  /** The process. */
  p: ProcessView;
  /** Slots across the charts. */
  slots: number;
  /** Seconds between scrapes. */
  intervalSeconds: number;
}

/** The panel. */
export function ProcessPanel({ p, slots, intervalSeconds }: ProcessPanelProps) {
  const title = titleOf(p.proc);
  const what = p.proc === "web" ? "HTTP requests" : "gRPC calls";
  return (
    <section
      class="admin-panel"
      aria-labelledby={`proc-${p.proc}`}
      data-testid="process-metrics"
      data-proc={p.proc}
      data-status={p.status}
    >
      <h3 id={`proc-${p.proc}`}>{title}</h3>
      {p.status === "off" && (
        <p class="muted" data-testid="metrics-off">
          Metrics are not enabled for {p.proc} (set <code>{p.portVar}</code>).
        </p>
      )}
      {p.status === "failing" && (
        <p class="alert error" data-testid="metrics-error">
          Cannot read the metrics at <code>{p.url}</code>: {p.error}
        </p>
      )}
      {p.status === "collecting" && (
        <p class="muted" data-testid="metrics-collecting">Collecting: rates appear after the next scrape.</p>
      )}
      {p.status !== "off" && (
        <>
          <dl
            class="facts"
            data-testid="red-now"
            data-requests={p.latest?.requestsPerSecond}
            data-errors={p.latest?.errorsPerSecond}
          >
            <div>
              <dt>{what} per second (last {RECENT_INTERVALS * intervalSeconds} s)</dt>
              <dd data-testid="rate">{p.latest ? formatRate(p.latest.requestsPerSecond) : "—"}</dd>
            </div>
            <div>
              <dt>Errors per second</dt>
              <dd data-testid="errors">{p.latest ? formatRate(p.latest.errorsPerSecond) : "—"}</dd>
            </div>
            <div>
              <dt>p50 / p95</dt>
              <dd data-testid="latency">
                {formatMs(p.latest?.p50Ms ?? null)} / {formatMs(p.latest?.p95Ms ?? null)}
              </dd>
            </div>
          </dl>
          <div class="system-charts">
            <LineChart
              id={`rate-${p.proc}`}
              title={`${title}: ${what} and errors per second`}
              unit="/s"
              slots={slots}
              format={formatRate}
              series={[
                { name: "requests/s", cls: "line-rate", values: p.points.map((x) => x.requestsPerSecond) },
                { name: "errors/s", cls: "line-errors", values: p.points.map((x) => x.errorsPerSecond) },
              ]}
            />
            <LineChart
              id={`latency-${p.proc}`}
              title={`${title}: duration (ms)`}
              unit=" ms"
              slots={slots}
              format={formatMs}
              series={[
                { name: "p50", cls: "line-p50", values: p.points.map((x) => x.p50Ms) },
                { name: "p95", cls: "line-p95", values: p.points.map((x) => x.p95Ms) },
              ]}
            />
          </div>
        </>
      )}
    </section>
  );
}
