/**
 * One payment reconciliation run: recovers the outcomes of checkouts whose webhook never reached
 * payments, by reading the provider's own records back, as Stripe's guide to undelivered webhook events
 * advises, and feeding each outcome through {@linkcode PaymentsApp.applyProviderEvent}, the idempotent
 * path every webhook takes (an event id is applied once; a payment moves only from open). So a lost
 * webhook delays a payment by one period of the job, never loses it, and a webhook arriving after the
 * job (or a second run, or a second replica) changes nothing.
 *
 * A run:
 * 1. reads the payments still open (the open index; no provider call at all when none is older than
 *    the grace period, which is the usual case);
 * 2. asks the provider for the outcome events created since the oldest of them (bounded by the window)
 *    that were not delivered to every webhook endpoint, and applies those about an open payment (kind
 *    `event`: the provider's own event id, so the webhook, should it come, is recognised);
 * 3. for the payments still open, asks for the sessions created in the same window that are complete or
 *    expired (and, one by one, for those whose checkout is past its expiry, at most
 *    {@linkcode MAX_RETRIEVES_PER_RUN} a run, so the list's page bound never hides an old one), and applies
 *    their outcome as an event with an id of its own, `reconciled_<session>_<outcome>` (kind `session`):
 *    this catches an outcome whose event was acknowledged but not applied (a webhook that came before the
 *    payment was stored) or was cut off by the page bound. The one-by-one reads go to the least recently
 *    read first (the open index keeps when each was read last; never read ones first, then the oldest),
 *    so checkouts that stay unresolved (complete, awaiting an asynchronous payment) take turns with the
 *    others instead of taking every run's reads.
 *
 * Events younger than the grace period, and sessions the provider settled within it, are left to their
 * webhook, still on its way. A shutdown (`signal`) stops a run between outcomes and between the pages of a
 * listing. Only a provider that can be read back ({@linkcode ReconcilableProvider}: Stripe) is
 * reconciled: the local provider's outcomes are made in this process by the pay page's own call, which
 * fails visibly instead of getting lost.
 *
 * @module
 */
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import type { Logger } from "../common/log.ts";
import type { PaymentsApp } from "./app.ts";
import type { PaymentRecord } from "./domain/lifecycle.ts";
import type { ProviderEvent, ProviderSession, ReconcilableProvider } from "./providers/provider.ts";
import { providerCall } from "./providers/traced.ts";
import { dropStaleOpen, listOpen, markOpenChecked, type OpenIndexed, readPayment } from "./store.ts";

/** How a recovered outcome was found: an undelivered provider event, or a settled session. */
export type RecoveredKind = "event" | "session";

/** One payment a run moved out of open. */
export interface Recovered {
  /** How it was found. */
  kind: RecoveredKind;
  /** The order. */
  orderId: string;
  /** Its checkout session. */
  sessionId: string;
  /** The event id applied (the provider's, or `reconciled_...` for kind `session`). */
  eventId: string;
  /** The outcome applied. */
  outcome: ProviderEvent["type"];
}

/** What one run did. */
export interface ReconcileReport {
  /** Open payments of this provider older than the grace period (what the provider was asked about). */
  open: number;
  /** False when nothing was open, so the provider was not asked. */
  askedProvider: boolean;
  /** The payments moved out of open, in the order they were applied. */
  recovered: Recovered[];
  /** Outcomes that could not be applied this run (logged; the next run tries again). */
  failed: number;
  /** True when a listing hit the page bound (older records were not read this run). */
  truncated: boolean;
  /** Payments past their checkout's expiry not read this run (over {@linkcode MAX_RETRIEVES_PER_RUN}). */
  deferred: number;
}

/** What a run needs. */
export interface ReconcileDeps {
  /** Payments' store (the open index and the payments). */
  kv: Deno.Kv;
  /** The use cases: outcomes go through {@linkcode PaymentsApp.applyProviderEvent}. */
  payments: PaymentsApp;
  /** The provider to read back. */
  provider: ReconcilableProvider;
  log: Logger;
  /** How far back a run looks at most (ms). */
  windowMs: number;
  /** Events younger than this are left to their webhook (ms). */
  graceMs: number;
  /** At most this many pages (of 100) per provider listing (default 10). */
  maxPages?: number;
  /** The clock (tests). */
  now?: () => Date;
  /** Aborted: the run stops between outcomes and between pages (shutdown), rejecting when listing. */
  signal?: AbortSignal;
}

/** Margin for clocks: sessions are looked for from this long before the oldest open payment was made. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Pages of 100 per provider listing unless {@linkcode ReconcileDeps.maxPages} says otherwise. */
export const DEFAULT_MAX_PAGES = 10;

/**
 * At most this many overdue sessions are read one by one per run: the least recently read first (never
 * read ones first), then the oldest payments.
 */
export const MAX_RETRIEVES_PER_RUN = 20;

/** An open payment and its open index entry. */
interface OpenPayment {
  payment: PaymentRecord;
  indexed: OpenIndexed;
}

/** The open payments of `provider` made at or before `before`, by session id; drops stale index entries. */
async function openPayments(
  kv: Deno.Kv,
  provider: string,
  before: Date,
): Promise<Map<string, OpenPayment>> {
  const open = new Map<string, OpenPayment>();
  for (const indexed of await listOpen(kv)) {
    const entry = await readPayment(kv, indexed.orderId);
    if (!entry.value) continue;
    if (entry.value.status !== PaymentStatus.PAYMENT_STATUS_OPEN) {
      await dropStaleOpen(kv, entry as Deno.KvEntry<PaymentRecord>);
      continue;
    }
    if (entry.value.provider !== provider) continue;
    if (entry.value.createdAt && entry.value.createdAt > before) continue;
    open.set(entry.value.sessionId, { payment: entry.value, indexed });
  }
  return open;
}

/**
 * Least recently read first (never read first), then oldest first; within one millisecond, by the
 * versionstamp of the index entry (a never-read entry's is that of the commit that made the payment,
 * so it is creation order exactly).
 */
function byLastRead(a: OpenPayment, b: OpenPayment): number {
  return (a.indexed.checkedAt ?? 0) - (b.indexed.checkedAt ?? 0) ||
    (a.payment.createdAt?.getTime() ?? 0) - (b.payment.createdAt?.getTime() ?? 0) ||
    (a.indexed.versionstamp < b.indexed.versionstamp
      ? -1
      : a.indexed.versionstamp > b.indexed.versionstamp
      ? 1
      : 0);
}

/** Runs one reconciliation; provider errors are thrown (the job logs them and tries next period). */
export async function reconcileOnce(deps: ReconcileDeps): Promise<ReconcileReport> {
  const { kv, payments, provider, log, signal } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const until = new Date(now.getTime() - deps.graceMs);
  const open = await openPayments(kv, provider.name, until);
  const report: ReconcileReport = {
    open: open.size,
    askedProvider: false,
    recovered: [],
    failed: 0,
    truncated: false,
    deferred: 0,
  };
  if (open.size === 0) return report;
  const oldest = Math.min(...[...open.values()].map((o) => o.payment.createdAt?.getTime() ?? now.getTime()));
  const from = new Date(Math.max(now.getTime() - deps.windowMs, oldest - CLOCK_SKEW_MS));
  const window = {
    from,
    until,
    maxPages: deps.maxPages ?? DEFAULT_MAX_PAGES,
    ...(signal ? { signal } : {}),
  };
  report.askedProvider = true;

  const apply = async (event: ProviderEvent, kind: RecoveredKind) => {
    const payment = open.get(event.sessionId)?.payment;
    if (!payment || signal?.aborted) return;
    try {
      const result = await payments.applyProviderEvent(event, { via: "reconciliation" });
      if (result.changed) {
        report.recovered.push({
          kind,
          orderId: payment.orderId,
          sessionId: event.sessionId,
          eventId: event.id,
          outcome: event.type,
        });
      }
      if (result.payment?.status !== PaymentStatus.PAYMENT_STATUS_OPEN) open.delete(event.sessionId);
    } catch (err) {
      report.failed++;
      log.warn("reconciliation could not apply a provider outcome; the next run tries again", {
        orderId: payment.orderId,
        eventId: event.id,
        err,
      });
    }
  };

  const events = await providerCall(
    provider.name,
    "listUndeliveredEvents",
    {},
    () => provider.listUndeliveredEvents(window),
  );
  report.truncated ||= events.truncated;
  for (const event of events.items) await apply(event, "event");

  const fromSession = async (s: ProviderSession) => {
    if (!s.outcome) return; // still open, or awaiting an asynchronous payment
    await apply({
      id: `reconciled_${s.sessionId}_${s.outcome}`,
      type: s.outcome,
      sessionId: s.sessionId,
      orderId: s.orderId || (open.get(s.sessionId)?.payment.orderId ?? ""),
      ...(s.paymentRef ? { paymentRef: s.paymentRef } : {}),
    }, "session");
  };
  // a checkout past its expiry is settled at the provider: asked for one by one below, so the list's
  // page bound (newest first) never hides an old stuck payment
  const overdue = ({ payment: p }: OpenPayment) =>
    p.expiresAt !== undefined && p.expiresAt.getTime() <= until.getTime();
  if ([...open.values()].some((p) => !overdue(p)) && !signal?.aborted) {
    const sessions = await providerCall(
      provider.name,
      "listSettledSessions",
      {},
      () => provider.listSettledSessions(window),
    );
    report.truncated ||= sessions.truncated;
    for (const s of sessions.items) await fromSession(s);
  }
  const overdueNow = [...open.values()].filter(overdue).sort(byLastRead);
  const stuck = overdueNow.slice(0, MAX_RETRIEVES_PER_RUN);
  report.deferred = overdueNow.length - stuck.length;
  for (const { payment: p, indexed } of stuck) {
    if (signal?.aborted) break;
    let session: ProviderSession;
    // read now, whatever comes of it: the next run reads the others first
    await markOpenChecked(kv, indexed, now.getTime());
    try {
      session = await providerCall(
        provider.name,
        "retrieveSession",
        { orderId: p.orderId, sessionId: p.sessionId },
        () => provider.retrieveSession(p.sessionId),
      );
    } catch (err) {
      report.failed++;
      log.warn("reconciliation could not read an overdue checkout session; the next run tries again", {
        orderId: p.orderId,
        sessionId: p.sessionId,
        err,
      });
      continue;
    }
    await fromSession(session);
  }
  return report;
}
