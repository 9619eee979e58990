/**
 * The live part of `/admin/system` (the `#system-live` element the AdminSystemLive island swaps):
 * health, the processes' RED charts, messaging, dead letters. Everything is drawn on the server.
 *
 * @module
 */
import { HealthTable } from "./HealthTable.tsx";
import { MessagingPanel } from "./MessagingPanel.tsx";
import type { SystemPageData } from "./page_data.ts";
import { ProcessPanel } from "./ProcessPanel.tsx";

/** The live part of the page. */
export function SystemPage({ data }: { data: SystemPageData }) {
  const { view, health } = data;
  const off = view.processes.filter((p) => p.status === "off");
  return (
    <div id="system-live" class="system" data-testid="system-live">
      <HealthTable health={health} />
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
      <MessagingPanel data={data} />
    </div>
  );
}
