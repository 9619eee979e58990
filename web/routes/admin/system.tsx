/**
 * `/admin/system` (owners): how the whole system is doing, live. Each service's health (as the gateway
 * sees it, and Consul's instances when discovery goes through Consul), rate / errors / duration charts
 * of every process drawn on the server from its Prometheus metrics (scraped by web while someone looks:
 * `admin/system/scraper.ts`), queue depths and delivery rates, outboxes with their oldest record's age,
 * dead letters per service (linking to the dead-letters page), and a link to the failure flags. The
 * small AdminSystemLive island refreshes the live part every few seconds; without JavaScript a Refresh
 * link does. A process without `<PROC>_METRICS_PORT` (or `_ADDR`) says how to turn its metrics on.
 *
 * @module
 */
import type { Clients } from "../../gateway/clients.ts";
import { type HealthProbe, healthProbe } from "../../gateway/health.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import type { AdminState } from "../../admin/state.ts";
import { monitorOf } from "../../admin/system/monitor.ts";
import { loadSystemPage, type SystemPageData } from "../../admin/system/page_data.ts";
import { SystemPage } from "../../admin/system/SystemPage.tsx";
import { asset } from "../../framework/static.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import AdminSystemLive from "../../islands/AdminSystemLive.tsx";

const probes = new WeakMap<Clients, HealthProbe>();

function probeOf(clients: Clients): HealthProbe {
  let p = probes.get(clients);
  if (!p) probes.set(clients, p = healthProbe(clients));
  return p;
}

/** Shows the page. */
export const handler: Handlers<SystemPageData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · System";
    const data = await loadSystemPage({
      monitor: monitorOf(ctx.deps),
      probe: probeOf(ctx.deps.clients),
      clients: ctx.deps.clients,
      gateway: gatewayFor(ctx.hono, ctx.deps),
      timeoutMs: Math.min(1500, ctx.deps.rpcTimeoutMs),
      log: ctx.deps.log,
    });
    return await ctx.render(data, { headers: { "Cache-Control": "no-store" } });
  },
};

/** The System page. */
export default function System({ data }: PageProps<SystemPageData, AdminState>) {
  return (
    <div class="system" data-testid="system-page">
      <link rel="stylesheet" href={asset("/_static/admin_system.css")} />
      <h1>System</h1>
      <p class="muted">
        Health, traffic and messaging of every process, refreshed every {Math.round(data.refreshMs / 1000)}
        {" "}
        seconds while this page is open. <a href="/admin/system/flags">Failure flags</a> ·{" "}
        <a href="/admin/dead-letters">Dead letters</a>
      </p>
      <AdminSystemLive intervalMs={data.refreshMs} />
      <SystemPage data={data} />
    </div>
  );
}
