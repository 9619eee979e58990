/**
 * One metrics scraper per web app (per `AppDeps`), made on the System page's first view from this
 * process's environment (`metricsEndpoints`): so a web process that nobody asks for the page never
 * reads the variables, starts a timer or opens a connection. Tests put their own scraper in place
 * with {@linkcode useScraper}.
 *
 * @module
 */
import { ConfigError } from "../../../services/common/config.ts";
import { metricsEndpoints } from "../../../services/common/metrics/endpoints.ts";
import type { AppDeps } from "../../api/deps.ts";
import { MetricsScraper } from "./scraper.ts";

/** Seconds between scrapes. */
export const SCRAPE_INTERVAL_MS = 5000;
/** Scrapes kept per process (5 minutes). */
export const SCRAPE_CAPACITY = 60;

/** The scraper, or why there is none. */
export interface Monitor {
  /** The scraper (null when the variables are malformed). */
  scraper: MetricsScraper | null;
  /** The configuration problem, when there is one. */
  problem: string | null;
}

const monitors = new WeakMap<AppDeps, Monitor>();

/** The monitor of `deps`' app, made on first use. */
export function monitorOf(deps: AppDeps): Monitor {
  let m = monitors.get(deps);
  if (!m) {
    try {
      m = {
        scraper: new MetricsScraper({
          endpoints: metricsEndpoints(),
          intervalMs: SCRAPE_INTERVAL_MS,
          capacity: SCRAPE_CAPACITY,
          log: deps.log,
        }),
        problem: null,
      };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      deps.log.warn("metrics endpoints misconfigured", { err: err.message });
      m = { scraper: null, problem: err.message };
    }
    monitors.set(deps, m);
  }
  return m;
}

/** Makes `scraper` the one of `deps`' app (tests: stand-in exporters, short intervals). */
export function useScraper(deps: AppDeps, scraper: MetricsScraper): void {
  monitors.set(deps, { scraper, problem: null });
}
