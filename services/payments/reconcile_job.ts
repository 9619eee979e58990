/**
 * The periodic payment reconciliation job: runs {@linkcode reconcileOnce} every `intervalMs`, one run at
 * a time (the next is scheduled when the last ended, and {@linkcode ReconcileJob.runNow} joins a run in
 * progress), logs each run that recovered something (counts and ids) and counts it
 * (`reconcile_metrics.ts`), survives provider errors (logged; the next period tries again), and stops
 * cleanly: no new run, the one in progress stops between outcomes and is awaited.
 *
 * With `trigger` (the service passes `SIGUSR1`), that signal runs the job at once (`kill -USR1 <pid>`,
 * `docker compose kill -s SIGUSR1 payments`), e.g. right after an outage of the webhook endpoint ended.
 *
 * Replicas sharing one store (a remote KV) take turns through a lease in the store, so only one asks the
 * provider per period; without it they would still apply each outcome once (the path is idempotent).
 *
 * @module
 */
import type { Logger } from "../common/log.ts";
import type { BackgroundWorker } from "../common/service_runtime.ts";
import {
  DEFAULT_MAX_PAGES,
  MAX_RETRIEVES_PER_RUN,
  type ReconcileDeps,
  reconcileOnce,
  type ReconcileReport,
} from "./reconcile.ts";
import { countRecovered } from "./reconcile_metrics.ts";
import { backfillOpenIndex } from "./store.ts";

/** The reconciliation settings (`PAYMENTS_RECONCILE_*`). */
export interface ReconcileSettings {
  /** Time between runs (ms); 0 turns the job off. */
  intervalMs: number;
  /** How far back a run looks at most (ms). */
  windowMs: number;
  /** Events younger than this are left to their webhook (ms). */
  graceMs: number;
}

/** A running reconciliation job. */
export interface ReconcileJob extends BackgroundWorker {
  /** Runs now (or joins the run in progress); undefined when stopped or another replica holds the turn. */
  runNow(): Promise<ReconcileReport | undefined>;
}

const LEASE_KEY: Deno.KvKey = ["payments_meta", "reconcile_lease"];

interface Lease {
  holder: string;
  until: number;
}

/** Takes (or renews) the turn to reconcile for `ttlMs`; false while another holder's turn lasts. */
export async function takeLease(
  kv: Deno.Kv,
  holder: string,
  ttlMs: number,
  now = Date.now(),
): Promise<boolean> {
  const current = await kv.get<Lease>(LEASE_KEY);
  if (current.value && current.value.holder !== holder && current.value.until > now) return false;
  const res = await kv.atomic().check(current).set(LEASE_KEY, { holder, until: now + ttlMs }).commit();
  return res.ok;
}

/** The log line of a run that recovered something. */
export function recoveredLogFields(report: ReconcileReport): Record<string, unknown> {
  const of = (kind: string) => report.recovered.filter((r) => r.kind === kind).length;
  return {
    recovered: report.recovered.length,
    byEvent: of("event"),
    bySession: of("session"),
    orderIds: report.recovered.map((r) => r.orderId),
    eventIds: report.recovered.map((r) => r.eventId),
    outcomes: report.recovered.map((r) => r.outcome),
    open: report.open,
  };
}

/**
 * Starts the job; `deps` are those of one run (its `signal` is the job's own). With `trigger`, that OS
 * signal runs it at once.
 */
export function startReconcileJob(
  deps: Omit<ReconcileDeps, "signal" | "windowMs" | "graceMs">,
  settings: ReconcileSettings,
  log: Logger = deps.log,
  trigger?: Deno.Signal,
): ReconcileJob {
  const abort = new AbortController();
  const holder = crypto.randomUUID();
  let running: Promise<ReconcileReport | undefined> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let indexed = false; // the open index covers older payments (once per store, checked once per process)

  const runOnce = async (): Promise<ReconcileReport | undefined> => {
    if (!(await takeLease(deps.kv, holder, Math.max(2 * settings.intervalMs, 10_000)))) return undefined;
    if (!indexed) {
      const added = await backfillOpenIndex(deps.kv);
      if (added > 0) log.info("payments: indexed the open payments stored before reconciliation", { added });
      indexed = true;
    }
    const report = await reconcileOnce({
      ...deps,
      windowMs: settings.windowMs,
      graceMs: settings.graceMs,
      signal: abort.signal,
    });
    if (report.recovered.length > 0) {
      for (const kind of ["event", "session"] as const) {
        countRecovered(kind, report.recovered.filter((r) => r.kind === kind).length);
      }
      log.info(
        "payment reconciliation recovered payments whose webhook never came",
        recoveredLogFields(report),
      );
    }
    if (report.truncated) {
      // every run lists newest first with the same bound: what is older is never listed; the one-by-one
      // reads of checkouts past their expiry cover it
      log.warn(
        "payment reconciliation listed only the newest pages of the provider's lists; open payments " +
          "older than those are read one by one once their checkout is past its expiry",
        { open: report.open, maxPages: deps.maxPages ?? DEFAULT_MAX_PAGES },
      );
    }
    if (report.deferred > 0) {
      log.info(
        "payment reconciliation read some checkouts past their expiry one by one; the others are read by " +
          "the next runs, least recently read first",
        { read: MAX_RETRIEVES_PER_RUN, deferred: report.deferred, open: report.open },
      );
    }
    return report;
  };

  const runNow = (): Promise<ReconcileReport | undefined> => {
    if (abort.signal.aborted) return Promise.resolve(undefined);
    running ??= runOnce().catch((err) => {
      if (abort.signal.aborted) {
        log.info("payment reconciliation stopped by the shutdown", { err });
        return undefined;
      }
      log.warn("payment reconciliation failed; the next run tries again", {
        err,
        nextInMs: settings.intervalMs,
      });
      return undefined;
    }).finally(() => running = undefined);
    return running;
  };

  const schedule = () => {
    if (abort.signal.aborted) return;
    timer = setTimeout(async () => {
      await runNow();
      schedule();
    }, settings.intervalMs);
  };
  schedule();
  const onTrigger = () => {
    log.info("payment reconciliation triggered by signal", { signal: trigger });
    void runNow();
  };
  if (trigger) Deno.addSignalListener(trigger, onTrigger);

  return {
    runNow,
    async stop() {
      abort.abort();
      clearTimeout(timer);
      if (trigger) Deno.removeSignalListener(trigger, onTrigger);
      await running; // the run in progress stops between outcomes and ends before the store closes
    },
  };
}
