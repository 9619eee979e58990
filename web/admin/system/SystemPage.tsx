/**
 * The live part of `/admin/system` (the `#system-live` element the AdminSystemLive island swaps):
 * health, the processes' RED charts, messaging, dead letters. Everything is drawn on the server.
 *
 * @module
 */
import { formatAge, formatMs, formatRate } from "./format.ts";
import { LineChart } from "./LineChart.tsx";
import type { SystemPageData } from "./page_data.ts";
import { type ProcessView, RECENT_INTERVALS } from "./view.ts";

const TITLES: Record<string, string> = {
  orders: "Orders",
  stock: "Stock",
  payments: "Payments",
  kitchen: "Kitchen",
  web: "Web",
};

const OUTCOMES = ["processed", "retried", "parked", "failed"] as const;

function ProcessPanel(
  { p, slots, intervalSeconds }: { p: ProcessView; slots: number; intervalSeconds: number },
) {
  const title = TITLES[p.proc] ?? p.proc;
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

/** The live part of the page. */
export function SystemPage({ data }: { data: SystemPageData }) {
  const { view, health } = data;
  const off = view.processes.filter((p) => p.status === "off");
  return (
    <div id="system-live" class="system" data-testid="system-live">
      <section class="admin-panel" aria-labelledby="sys-health" data-testid="health">
        <h2 id="sys-health">Health</h2>
        <div class="table-scroll">
          <table class="admin-table compact">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">State</th>
                <th scope="col">Reached at</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {health.map((h) => (
                <>
                  <tr data-testid="health-row" data-service={h.peer} data-status={h.probe.status}>
                    <th scope="row">{TITLES[h.peer]}</th>
                    <td class="health-state" data-ok={String(h.probe.status === "SERVING")}>
                      {h.probe.status}
                    </td>
                    <td>
                      <code>{h.target}</code>
                    </td>
                    <td>{h.probe.detail ?? ""}{h.consulError ? ` ${h.consulError}` : ""}</td>
                  </tr>
                  {h.instances?.map((i) => (
                    <tr data-testid="instance-row" data-service={h.peer} data-status={i.status}>
                      <td>
                        <span class="sr-only">{TITLES[h.peer]}</span> instance <code>{i.id}</code>
                      </td>
                      <td class="health-state" data-ok={String(i.status === "passing")}>{i.status}</td>
                      <td>
                        <code>{i.address}</code>
                      </td>
                      <td>{i.detail ?? ""}</td>
                    </tr>
                  ))}
                </>
              ))}
              <tr data-testid="health-row" data-service="web" data-status="SERVING">
                <th scope="row">Web</th>
                <td class="health-state" data-ok="true">SERVING</td>
                <td>this process</td>
                <td></td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="sys-red" data-testid="red">
        <h2 id="sys-red">Rate, errors, duration</h2>
        {data.problem && <p class="alert error" role="alert" data-testid="metrics-problem">{data.problem}</p>}
        {view.metricsOff
          ? (
            <p class="alert" data-testid="metrics-not-enabled">
              Metrics are not enabled: set <code>ORDERS_METRICS_PORT</code>, <code>STOCK_METRICS_PORT</code>,
              {" "}
              <code>PAYMENTS_METRICS_PORT</code>, <code>KITCHEN_METRICS_PORT</code> and{" "}
              <code>WEB_METRICS_PORT</code> (or <code>&lt;PROC&gt;_METRICS_ADDR</code>{" "}
              where a process runs elsewhere) and restart.
            </p>
          )
          : (
            <>
              <p class="muted small">
                The last {Math.round(view.slots * view.intervalSeconds / 60)} minutes, one point per{" "}
                {view.intervalSeconds} s. Errors: gRPC calls that failed on the server's side, HTTP 5xx.
                {off.length > 0 && ` Not enabled: ${off.map((p) => p.proc).join(", ")}.`}
              </p>
              <div class="system-procs">
                {view.processes.filter((p) => p.status !== "off").map((p) => (
                  <ProcessPanel p={p} slots={view.slots} intervalSeconds={view.intervalSeconds} />
                ))}
              </div>
              {off.map((p) => (
                <ProcessPanel
                  p={p}
                  slots={view.slots}
                  intervalSeconds={view.intervalSeconds}
                />
              ))}
            </>
          )}
      </section>

      <section class="admin-panel" aria-labelledby="sys-msg" data-testid="messaging">
        <h2 id="sys-msg">Messaging</h2>
        {view.queues.length === 0
          ? <p class="muted">No queue figures yet{view.metricsOff ? " (metrics are not enabled)" : ""}.</p>
          : (
            <div class="table-scroll">
              <table class="admin-table compact">
                <caption class="sr-only">Queues</caption>
                <thead>
                  <tr>
                    <th scope="col">Queue</th>
                    <th scope="col" class="num">Ready</th>
                    {OUTCOMES.map((o) => <th key={o} scope="col" class="num">{o}/s</th>)}
                  </tr>
                </thead>
                <tbody>
                  {view.queues.map((q) => (
                    <tr data-testid="queue-row" data-queue={q.queue}>
                      <th scope="row">
                        <code>{q.queue}</code>
                      </th>
                      <td class="num" data-testid="queue-depth">{q.depth ?? "—"}</td>
                      {OUTCOMES.map((o) => <td key={o} class="num">{formatRate(q.rates[o] ?? 0)}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <h3>Outboxes</h3>
        {view.outboxes.length === 0
          ? <p class="muted">No outbox figures yet.</p>
          : (
            <table class="admin-table compact">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col" class="num">Records waiting</th>
                  <th scope="col" class="num">Oldest</th>
                </tr>
              </thead>
              <tbody>
                {view.outboxes.map((o) => (
                  <tr data-testid="outbox-row" data-service={o.service}>
                    <th scope="row">{TITLES[o.service] ?? o.service}</th>
                    <td class="num" data-testid="outbox-records">{o.records}</td>
                    <td class="num" data-testid="outbox-age">
                      {o.records === 0 ? "—" : formatAge(o.oldestAgeSeconds)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        <h3>Dead letters</h3>
        <table class="admin-table compact">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col" class="num">Parked</th>
            </tr>
          </thead>
          <tbody>
            {data.deadLetters.map((d) => (
              <tr data-testid="dead-letter-row" data-service={d.service} data-source={d.source}>
                <th scope="row">{TITLES[d.service]}</th>
                <td class="num" data-testid="dead-letter-count">
                  {d.count === null ? <span title={d.error}>unknown</span> : `${d.count}${d.more ? "+" : ""}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <a href="/admin/dead-letters">Open the dead letters</a> to replay or discard them.
        </p>
      </section>
    </div>
  );
}
