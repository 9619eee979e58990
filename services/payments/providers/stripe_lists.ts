/**
 * Reading Stripe's own records back for reconciliation, as Stripe's "process undelivered webhook events"
 * guide describes: the Events API (`GET /v1/events`, up to 30 days back) filtered by `types`, `created`
 * and `delivery_success=false`, and the Checkout Sessions API (`GET /v1/checkout/sessions`) filtered by
 * `created` and `status`. Lists come newest first in pages of up to 100 (`has_more`, `starting_after`);
 * at most `maxPages` pages are read per listing, and the result says when more were left. An aborted
 * `window.signal` stops a listing between pages.
 *
 * A session has no time of settlement, so the sessions settled after `window.until` (within the grace
 * period, their webhook maybe on the way) are told by their outcome events: the outcome events created
 * since `until` are listed too, and the sessions they are about left out.
 *
 * @module
 */
import type Stripe from "stripe";
import type { ProviderEvent, ProviderListing, ProviderSession, ReconcileWindow } from "./provider.ts";
import { providerEventOf } from "./stripe_event.ts";

/** The Stripe event types payments acts on (see {@linkcode providerEventOf}). */
export const OUTCOME_EVENT_TYPES: readonly string[] = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
];

const PAGE_SIZE = 100;

function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/** Reads pages of a Stripe list (newest first) until it ends or `maxPages` were read; returns oldest first. */
async function readPages<T extends { id: string }>(
  page: (startingAfter: string | undefined) => Promise<Stripe.ApiList<T>>,
  maxPages: number,
  signal: AbortSignal | undefined,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let startingAfter: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    signal?.throwIfAborted();
    const list = await page(startingAfter);
    items.push(...list.data);
    const last = list.data.at(-1);
    if (!list.has_more || !last) return { items: items.reverse(), truncated: false };
    startingAfter = last.id;
  }
  return { items: items.reverse(), truncated: true };
}

/**
 * The outcome events created in `window` that some webhook endpoint has not acknowledged yet, mapped as
 * a webhook delivery of them would be, oldest first.
 */
export async function listUndeliveredEvents(
  stripe: Stripe,
  window: ReconcileWindow,
): Promise<ProviderListing<ProviderEvent>> {
  const { items, truncated } = await readPages(
    (startingAfter) =>
      stripe.events.list({
        types: [...OUTCOME_EVENT_TYPES],
        created: { gte: seconds(window.from), lte: seconds(window.until) },
        delivery_success: false,
        limit: PAGE_SIZE,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      }),
    window.maxPages,
    window.signal,
  );
  return { items: items.map(providerEventOf).filter((e) => e !== null), truncated };
}

/**
 * The sessions with an outcome event created after `window.until` (to the second, as the events list
 * is bounded), delivered or not; undefined when there were more than `maxPages` pages of them.
 */
async function settledSince(stripe: Stripe, window: ReconcileWindow): Promise<Set<string> | undefined> {
  const { items, truncated } = await readPages(
    (startingAfter) =>
      stripe.events.list({
        types: [...OUTCOME_EVENT_TYPES],
        created: { gt: seconds(window.until) },
        limit: PAGE_SIZE,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      }),
    window.maxPages,
    window.signal,
  );
  if (truncated) return undefined;
  return new Set(items.map((e) => (e.data.object as { id?: string }).id ?? ""));
}

/** The outcome a session's state shows: paid complete, expired, or null (open, or awaiting its payment). */
export function sessionOutcome(session: Stripe.Checkout.Session): ProviderSession["outcome"] {
  if (session.status === "expired") return "expired";
  if (session.status === "complete" && session.payment_status !== "unpaid") return "succeeded";
  return null;
}

/** What reconciliation reads of a Stripe session. */
export function providerSessionOf(s: Stripe.Checkout.Session): ProviderSession {
  const paymentRef = typeof s.payment_intent === "string" ? s.payment_intent : s.payment_intent?.id;
  return {
    sessionId: s.id,
    orderId: s.metadata?.order_id ?? s.client_reference_id ?? "",
    outcome: sessionOutcome(s),
    ...(paymentRef ? { paymentRef } : {}),
  };
}

/**
 * The sessions created in `window` that are complete or expired, oldest first, but those with an outcome
 * event since `window.until` (settled within the grace period). When those events are more than
 * `maxPages` pages, no session is returned (truncated): which ones settled late cannot be told.
 */
export async function listSettledSessions(
  stripe: Stripe,
  window: ReconcileWindow,
): Promise<ProviderListing<ProviderSession>> {
  const late = await settledSince(stripe, window);
  if (!late) return { items: [], truncated: true };
  const out: ProviderSession[] = [];
  let truncated = false;
  for (const status of ["complete", "expired"] as const) {
    const listed = await readPages(
      (startingAfter) =>
        stripe.checkout.sessions.list({
          status,
          created: { gte: seconds(window.from) },
          limit: PAGE_SIZE,
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      window.maxPages,
      window.signal,
    );
    truncated ||= listed.truncated;
    out.push(...listed.items.filter((s) => !late.has(s.id)).map(providerSessionOf));
  }
  return { items: out, truncated };
}
