/**
 * Everything `/admin/system` shows, gathered for one request: a view of the page notes a viewer (the
 * scraper runs while someone looks), then the services' health (the gateway's probes, Consul's
 * instances) and the metrics view are read at once. Dead letters come from the metrics
 * (`METRIC.deadLetters`); a consuming service whose metrics are not there is asked directly (its
 * dead-letters service, as the dead-letters page does). Never throws.
 *
 * @module
 */
import type { Logger } from "../../../services/common/log.ts";
import { toApiError } from "../../api/errors.ts";
import { CONSUMERS } from "../../gateway/dead_letters.ts";
import type { Clients, PeerName } from "../../gateway/clients.ts";
import type { HealthProbe } from "../../gateway/health.ts";
import type { Gateway } from "../../gateway/mod.ts";
import { DEAD_LETTER_LIMIT } from "../data.ts";
import { loadHealth, type ServiceHealth } from "./health.ts";
import type { Monitor } from "./monitor.ts";
import { type SystemView, systemView } from "./view.ts";

/** Dead letters of one consuming service. */
export interface DeadLetterCount {
  /** The service. */
  service: PeerName;
  /** Parked messages (null when unknown). */
  count: number | null;
  /** True when more are parked than `count` (asked directly, list cut at its limit). */
  more: boolean;
  /** Where the number comes from. */
  source: "metrics" | "service";
  /** Why it is unknown. */
  error?: string;
}

/** What the page shows. */
export interface SystemPageData {
  /** The metrics. */
  view: SystemView;
  /** Each service's health. */
  health: ServiceHealth[];
  /** Dead letters per consuming service. */
  deadLetters: DeadLetterCount[];
  /** A configuration problem of the metrics variables, if any. */
  problem: string | null;
  /** Time between live refreshes in ms. */
  refreshMs: number;
}

/** What {@linkcode loadSystemPage} needs. */
export interface SystemPageSources {
  /** The scraper (or its problem). */
  monitor: Monitor;
  /** The gateway's health probe. */
  probe: HealthProbe;
  /** The gateway's clients (their targets say whether Consul is used). */
  clients: Clients;
  /** The request's gateway (dead letters when the metrics lack them). */
  gateway: Gateway;
  /** Deadline of each health check and Consul request, in ms. */
  timeoutMs: number;
  /** Logger. */
  log: Logger;
}

async function deadLetterCounts(
  view: SystemView,
  gateway: Gateway,
  log: Logger,
): Promise<DeadLetterCount[]> {
  return await Promise.all(CONSUMERS.map(async (service): Promise<DeadLetterCount> => {
    const n = view.deadLetters[service];
    if (n !== undefined) return { service, count: n, more: false, source: "metrics" };
    try {
      const res = await gateway.deadLetters.list(service, DEAD_LETTER_LIMIT);
      return { service, count: res.letters.length, more: res.more, source: "service" };
    } catch (err) {
      const e = toApiError(err, service);
      log.debug("dead letters unavailable", { service, err: e.message });
      return { service, count: null, more: false, source: "service", error: e.message };
    }
  }));
}

/** Gathers the page (see the module doc). */
export async function loadSystemPage(src: SystemPageSources): Promise<SystemPageData> {
  const scraper = src.monitor.scraper;
  const targets = Object.fromEntries(
    (Object.keys(src.clients) as PeerName[]).map((p) => [p, src.clients[p].getChannel().getTarget()]),
  ) as Record<PeerName, string>;
  const [health] = await Promise.all([
    loadHealth(src.probe, targets, src.timeoutMs),
    scraper?.viewed(),
  ]);
  const view = systemView(
    scraper?.state() ?? [],
    scraper?.capacity ?? 60,
    (scraper?.intervalMs ?? 5000) / 1000,
  );
  return {
    view,
    health,
    deadLetters: await deadLetterCounts(view, src.gateway, src.log),
    problem: src.monitor.problem,
    refreshMs: scraper?.intervalMs ?? 5000,
  };
}
