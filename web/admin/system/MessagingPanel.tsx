/**
 * The System page's messaging panel: queues (ready messages, deliveries per second by outcome),
 * outboxes (records waiting, oldest age) and dead letters per service, linking to the dead-letters page.
 *
 * @module
 */
import { formatAge, formatRate } from "./format.ts";
import type { SystemPageData } from "./page_data.ts";
import { titleOf } from "./titles.ts";

const OUTCOMES = ["processed", "retried", "parked", "failed"] as const;

/** The panel. */
export function MessagingPanel({ data }: { data: SystemPageData }) {
  const { view } = data;
  return (
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
                  <th scope="row">{titleOf(o.service)}</th>
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
              <th scope="row">{titleOf(d.service)}</th>
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
  );
}
