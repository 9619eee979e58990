/**
 * The System page's scraper: while someone has looked at the page in the last `idleMs`, it GETs every
 * configured metrics endpoint (`metricsEndpoints`) each `intervalMs`, parses the Prometheus text and
 * keeps a digest of each scrape in a ring buffer per process (`capacity` scrapes, a few minutes), from
 * which the page computes rates. Nobody looking: no timer, no requests. Coming back after a pause
 * starts a fresh history (a gap would blur the rates).
 *
 * It never throws into a request: a failed scrape is kept as the process's `error` (unreachable,
 * HTTP status, over the size limit, unparsable) and the history it had stays.
 *
 * @module
 */
import {
  METRICS_PROCESSES,
  type MetricsEndpoints,
  type MetricsProcess,
} from "../../../services/common/metrics/endpoints.ts";
import type { Logger } from "../../../services/common/log.ts";
import { type Digest, digestOf, type ServeKind } from "./digest.ts";
import { fetchText } from "./fetch_text.ts";
import { parsePrometheusText } from "../../../services/common/metrics/prometheus_text.ts";
import { Ring } from "./ring.ts";

/** Options of {@linkcode MetricsScraper}. */
export interface ScraperOptions {
  /** Where each process's metrics are (processes absent: not scraped). */
  endpoints: MetricsEndpoints;
  /** Time between scrapes (default 5000 ms). */
  intervalMs?: number;
  /** Deadline of one scrape (default 2000 ms). */
  timeoutMs?: number;
  /** Largest exposition accepted (default 4 MiB). */
  maxBytes?: number;
  /** Scraping stops this long after the page was last viewed (default 3 minutes). */
  idleMs?: number;
  /** Scrapes kept per process (default 60: 5 minutes at the default interval). */
  capacity?: number;
  /** Where failures are logged (once per outage, at warn). */
  log?: Logger;
}

/** What the scraper knows of one process. */
export interface ProcessMetrics {
  /** The process. */
  proc: MetricsProcess;
  /** Its endpoint. */
  url: string;
  /** Digests of the successful scrapes, oldest first. */
  history: Digest[];
  /** Why the latest scrape failed (null: it worked, or none was tried yet). */
  error: string | null;
  /** When the latest scrape was tried (epoch ms), if ever. */
  triedAt: number | null;
}

interface Target {
  proc: MetricsProcess;
  url: string;
  kind: ServeKind;
  ring: Ring<Digest>;
  error: string | null;
  triedAt: number | null;
}

/** See the module doc. */
export class MetricsScraper {
  readonly #targets: Target[];
  /** Time between scrapes in ms. */
  readonly intervalMs: number;
  /** Scrapes kept per process. */
  readonly capacity: number;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #idleMs: number;
  readonly #log?: Logger;
  #viewedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #round: Promise<void> | null = null;
  #closed = false;

  /** A scraper of `options.endpoints` (idle until {@linkcode viewed}). */
  constructor(options: ScraperOptions) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.#idleMs = options.idleMs ?? 180_000;
    this.#log = options.log;
    const capacity = this.capacity = options.capacity ?? 60;
    this.#targets = METRICS_PROCESSES.flatMap((proc) => {
      const url = options.endpoints[proc];
      return url
        ? [{
          proc,
          url,
          kind: proc === "web" ? "http" : "rpc",
          ring: new Ring<Digest>(capacity),
          error: null,
          triedAt: null,
        }]
        : [];
    });
  }

  /** True when no endpoint is configured (metrics are not enabled anywhere). */
  get empty(): boolean {
    return this.#targets.length === 0;
  }

  /** True while the timer runs (someone looked recently). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Notes a view of the page: starts scraping if it was idle, and when the newest scrape is older than
   * the interval, scrapes now and waits for it (bounded by the scrape deadline). Never throws.
   */
  async viewed(): Promise<void> {
    if (this.#closed || this.empty) return;
    this.#viewedAt = Date.now();
    if (!this.running) {
      for (const t of this.#targets) {
        t.ring.clear();
        t.error = null;
      }
      this.#schedule();
    }
    const stalest = Math.min(...this.#targets.map((t) => t.triedAt ?? 0));
    if (Date.now() - stalest >= this.intervalMs) await this.#scrapeAll();
  }

  /** What is known of each configured process, in {@linkcode METRICS_PROCESSES} order. */
  state(): ProcessMetrics[] {
    return this.#targets.map((t) => ({
      proc: t.proc,
      url: t.url,
      history: t.ring.toArray(),
      error: t.error,
      triedAt: t.triedAt,
    }));
  }

  /** Stops the timer and waits for a scrape under way. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#round;
  }

  #schedule(): void {
    this.#timer = setTimeout(async () => {
      if (Date.now() - this.#viewedAt > this.#idleMs) {
        this.#timer = undefined; // nobody looked lately: stop until the next view
        return;
      }
      await this.#scrapeAll();
      if (!this.#closed && this.#timer !== undefined) this.#schedule();
    }, this.intervalMs);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  /** One scrape of every endpoint (a round under way is shared, never doubled). */
  #scrapeAll(): Promise<void> {
    this.#round ??= Promise.all(this.#targets.map((t) => this.#scrape(t))).then(() => {
      this.#round = null;
    });
    return this.#round;
  }

  async #scrape(t: Target): Promise<void> {
    const at = Date.now();
    try {
      const text = await fetchText(t.url, { timeoutMs: this.#timeoutMs, maxBytes: this.#maxBytes });
      t.ring.push(digestOf(parsePrometheusText(text), at, t.kind));
      if (t.error) this.#log?.info("metrics endpoint answers again", { proc: t.proc, url: t.url });
      t.error = null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!t.error) this.#log?.warn("metrics scrape failed", { proc: t.proc, url: t.url, err: message });
      t.error = message;
    } finally {
      t.triedAt = at;
    }
  }
}
