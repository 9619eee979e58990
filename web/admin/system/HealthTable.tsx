/**
 * The System page's health table: each service as the gateway reaches it, Consul's instances under it
 * when it is discovered through Consul, and web (this process, answering the page).
 *
 * @module
 */
import type { ServiceHealth } from "./health.ts";
import { titleOf } from "./titles.ts";

/** The table. */
export function HealthTable({ health }: { health: ServiceHealth[] }) {
  return (
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
                  <th scope="row">{titleOf(h.peer)}</th>
                  <td class="health-state" data-ok={String(h.probe.status === "SERVING")}>
                    {h.probe.status}
                  </td>
                  <td>
                    <code>{h.target.replace(/^dns:(\/\/\/)?/, "")}</code>
                  </td>
                  <td>{h.probe.detail ?? ""}{h.consulError ? ` ${h.consulError}` : ""}</td>
                </tr>
                {h.instances?.map((i) => (
                  <tr data-testid="instance-row" data-service={h.peer} data-status={i.status}>
                    <td>
                      <span class="sr-only">{titleOf(h.peer)}</span> instance <code>{i.id}</code>
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
  );
}
