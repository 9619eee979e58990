/**
 * The live part of the order page: status, what it means, the timeline (times in the shop's zone),
 * "Pay now" while waiting for payment and "Cancel order" before payment.
 *
 * "Cancel order" is a plain form (`POST /orders/{id}/cancel` with the customer's form token) that
 * works without JavaScript; once the island runs it cancels through the JSON API and shows the result
 * in place. Without JavaScript the page refreshes itself instead of streaming (see the page).
 *
 * Updates are pushed as server-sent events from `/orders/{id}/events` (`lib/live_source.ts`); only if
 * `EventSource` is missing or streaming keeps failing does the island poll the JSON API every few
 * seconds instead. Both stop once the order can no longer change.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { OrderJson } from "../api/order_json.ts";
import { followLive } from "../lib/live_source.ts";
import { canCancel, isTerminal, payNowLink, statusLabel, statusMessage } from "../lib/order_view.ts";
import { timeIn } from "../lib/when.ts";

/** Props of {@linkcode OrderLive}. */
export interface OrderLiveProps {
  /** The order as the server rendered it. */
  order: OrderJson;
  /** Its customer (the cookie's id), for the JSON API paths. */
  customerId: string;
  /** The customer's form token, for the cancel form. */
  csrf?: string;
  /** The shop's IANA time zone: timeline times are shown in it. */
  timeZone?: string;
  /** The shop's locale. */
  locale?: string;
}

/** How often the fallback polls, in milliseconds. */
export const POLL_MS = 2000;

/** `idle`: not following yet (server render, or no JavaScript: the page refreshes itself instead). */
type Feed = "idle" | "connecting" | "live" | "polling" | "stopped";

function changed(a: OrderJson, b: OrderJson): boolean {
  return a.status !== b.status || a.updatedAt !== b.updatedAt || a.timeline.length !== b.timeline.length ||
    a.paymentLink !== b.paymentLink;
}

/** Status, timeline and actions of one order, kept up to date. */
export default function OrderLive(
  { order: initial, customerId, csrf = "", timeZone = "UTC", locale = "en-GB" }: OrderLiveProps,
) {
  const [order, setOrder] = useState(initial);
  const [feed, setFeed] = useState<Feed>(isTerminal(initial.status) ? "stopped" : "idle");
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const api = `/api/customers/${encodeURIComponent(customerId)}/orders/${encodeURIComponent(initial.id)}`;

  useEffect(() => {
    if (isTerminal(initial.status)) return;
    setFeed("connecting");
    let stopped = false;
    let unfollow = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      stopped = true;
      unfollow();
      clearTimeout(timer);
    };
    const apply = (next: OrderJson) => {
      setOrder((prev) => changed(prev, next) ? next : prev);
      if (isTerminal(next.status)) {
        stop();
        setFeed("stopped");
      }
    };
    const poll = async () => {
      if (stopped) return;
      try {
        const res = await fetch(api, { headers: { accept: "application/json" } });
        if (res.ok) apply(await res.json() as OrderJson);
      } catch {
        // Offline for a moment: try again on the next tick.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    unfollow = followLive(`/orders/${encodeURIComponent(initial.id)}/events`, {
      order: (data) => apply(data as OrderJson),
      gone: () => stop(),
    }, {
      onLive: () => {
        if (!stopped) setFeed("live");
      },
      fallBack: () => {
        if (stopped) return;
        setFeed("polling");
        poll();
      },
    });
    return stop;
  }, [initial.id]);

  async function cancel(e: Event) {
    e.preventDefault();
    if (cancelling) return;
    setCancelling(true);
    setCancelError(null);
    try {
      const res = await fetch(`${api}/cancel`, { method: "POST", headers: { accept: "application/json" } });
      const body = await res.json().catch(() => null) as OrderJson | { error?: { message: string } } | null;
      if (res.ok && body && "id" in body) setOrder(body);
      else {
        setCancelError(
          (body && "error" in body && body.error?.message) || `Could not cancel (HTTP ${res.status}).`,
        );
        const fresh = await fetch(api).then((r) => r.ok ? r.json() as Promise<OrderJson> : null).catch(() =>
          null
        );
        if (fresh) setOrder(fresh);
      }
    } catch {
      setCancelError("Could not reach the shop. Check your connection and try again.");
    }
    setCancelling(false);
  }

  const pay = payNowLink(order);
  const tone = order.status === "cancelled"
    ? "bad"
    : order.status === "ready" || order.status === "completed"
    ? "good"
    : "neutral";
  return (
    <section class="order-live" aria-labelledby="order-status-title">
      <h2 id="order-status-title" class="sr-only">Status</h2>
      <p class={`status-badge tone-${tone}`}>
        <span data-testid="order-status" data-status={order.status}>{statusLabel(order.status)}</span>
      </p>
      <p class={`status-message tone-${tone}`} role="status" data-testid="order-message">
        {statusMessage(order)}
      </p>
      <div class="actions">
        {pay && <a class="button primary" href={pay}>Pay now</a>}
        {canCancel(order) && (
          <form method="post" action={`/orders/${encodeURIComponent(order.id)}/cancel`} onSubmit={cancel}>
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit" class="button danger" disabled={cancelling} aria-busy={cancelling}>
              {cancelling ? "Cancelling…" : "Cancel order"}
            </button>
          </form>
        )}
      </div>
      {cancelError && <p class="alert error" role="alert">{cancelError}</p>}
      <h2>Timeline</h2>
      <ol class="timeline" data-testid="order-timeline">
        {order.timeline.map((t, i) => (
          <li key={i} data-status={t.status}>
            <span class="timeline-status">{statusLabel(t.status)}</span>
            {t.at && <time dateTime={t.at}>{timeIn(t.at, { timeZone, locale })}</time>}
          </li>
        ))}
      </ol>
      <p class="feed-note muted" data-testid="order-feed" data-feed={feed}>
        {feed === "live"
          ? "Updates live."
          : feed === "polling"
          ? "Checking for updates every few seconds."
          : feed === "connecting"
          ? "Connecting for live updates…"
          : feed === "stopped"
          ? "This order is final."
          : ""}
      </p>
    </section>
  );
}
