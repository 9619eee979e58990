/**
 * The kitchen board: tickets in three columns (queued, preparing, ready), each with the order's number,
 * who it is for, the pickup time (in the shop's zone), the customer's note and a timer counting up from
 * payment (to the moment it was ready, once it is), marked "fresh", "warn" or "late" against the shop's
 * thresholds by a class and a text label (not colour alone); the server renders it for its own clock and
 * the script ticks it every second. One tap moves a ticket, no confirmation page: "Start" on queued,
 * "Complete" on preparing and "Mark completed" (handed over) on ready tickets are POST forms to
 * `/admin/kitchen` carrying the CSRF token, so they work before the script loads too (redirect back with
 * a flash); with the script they are sent with `fetch`, the outcome is shown above the board and the
 * board follows the live stream (and reloads the feed at once). Ticket changes
 * are pushed as server-sent events (`/admin/api/kitchen/events`); after each burst the board reloads
 * `/admin/api/kitchen` once. Only when streaming fails does it poll that feed every few seconds while
 * the tab is visible. Cards are keyed by order id, so a refresh does not move the keyboard focus.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useRef, useState } from "preact/hooks";
import {
  AGE_LABELS,
  ageState,
  formatElapsed,
  type KitchenThresholds,
  TICKET_COLUMNS,
  ticketElapsedMs,
  type TicketView,
} from "../admin/view.ts";
import { reloadOnLive } from "../lib/live_reload.ts";
import { orderLabel } from "../lib/order_view.ts";
import { pickupIn, timeIn } from "../lib/when.ts";

/** Props of {@linkcode AdminKitchen}. */
export interface AdminKitchenProps {
  /** Tickets as the server rendered them. */
  initial: TicketView[];
  /** The session's CSRF token for the forms. */
  csrf: string;
  /** True when the server could not read the tickets. */
  offline: boolean;
  /** The shop's IANA time zone: pickup, paid, started and ready times are shown in it. */
  timeZone?: string;
  /** The shop's locale. */
  locale?: string;
  /** The server's clock when it rendered (epoch milliseconds): the timers' start before the script runs. */
  now: number;
  /** When a ticket's timer turns "warn" and "late". */
  thresholds: KitchenThresholds;
}

/** How often the timers tick, in milliseconds. */
export const TICK_MS = 1000;

/** The button and busy text of each ticket status's one-tap move. */
const MOVES: Record<string, { action: string; label: string; busy: string; primary: boolean }> = {
  queued: { action: "start", label: "Start", busy: "Starting…", primary: true },
  preparing: { action: "complete", label: "Complete", busy: "Completing…", primary: true },
  ready: { action: "handover", label: "Mark completed", busy: "Handing over…", primary: false },
};

interface Outcome {
  kind: "success" | "error";
  text: string;
}

/** How often the board polls when streaming fails, in milliseconds. */
export const POLL_MS = 2000;
/** How long the board waits after a pushed change before reloading (changes meanwhile share the reload), in milliseconds. */
export const SETTLE_MS = 150;

const TITLES: Record<string, string> = { queued: "Queued", preparing: "Preparing", ready: "Ready" };

type Feed = "live" | "offline" | "expired";

/** The board. */
export default function AdminKitchen(
  { initial, csrf, offline, timeZone = "UTC", locale = "en-GB", now: renderedAt, thresholds }:
    AdminKitchenProps,
) {
  const [tickets, setTickets] = useState(initial);
  const zone = { timeZone, locale };
  const [feed, setFeed] = useState<Feed>(offline ? "offline" : "live");
  const [now, setNow] = useState(renderedAt);
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const reload = useRef<() => Promise<boolean>>(() => Promise.resolve(true));

  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  /** Sends a move with fetch; anything but a JSON answer falls back to the plain form post. */
  const onSubmit = async (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    e.preventDefault();
    if (pending) return;
    const orderId = new FormData(form).get("orderId") as string;
    setPending(orderId);
    try {
      // `form.action` would be the input named "action": read the attribute.
      const res = await fetch(form.getAttribute("action") ?? "/admin/kitchen", {
        method: "POST",
        headers: { accept: "application/json" },
        body: new URLSearchParams(new FormData(form) as unknown as Record<string, string>),
      });
      if (!(res.headers.get("content-type") ?? "").includes("application/json")) {
        form.submit();
        return;
      }
      const body = await res.json() as { ok: boolean; message: string };
      setOutcome({ kind: body.ok ? "success" : "error", text: body.message });
      await reload.current();
    } catch {
      form.submit();
      return;
    } finally {
      setPending(null);
    }
  };

  useEffect(() => {
    const load = async (): Promise<boolean> => {
      try {
        const res = await fetch("/admin/api/kitchen", { headers: { accept: "application/json" } });
        if (res.status === 401) {
          setFeed("expired");
          return false;
        }
        if (res.ok) {
          const body = await res.json() as { tickets: TicketView[] };
          setTickets((prev) => JSON.stringify(prev) === JSON.stringify(body.tickets) ? prev : body.tickets);
          setFeed("live");
        } else setFeed("offline");
      } catch {
        setFeed("offline");
      }
      return true;
    };
    reload.current = load;
    return reloadOnLive({
      stream: "/admin/api/kitchen/events",
      event: "ticket",
      load,
      settleMs: SETTLE_MS,
      pollMs: POLL_MS,
    });
  }, []);

  return (
    <div class="kitchen">
      <p class="feed-note muted" role="status" data-testid="kitchen-feed" data-feed={feed}>
        {feed === "live"
          ? "Updates live."
          : feed === "offline"
          ? "Cannot reach the kitchen service; retrying…"
          : "Your session has ended."}
        {feed === "expired" && <a href="/admin/login?next=%2Fadmin%2Fkitchen">Log in again</a>}
      </p>
      <p
        class={outcome ? `alert ${outcome.kind === "error" ? "error" : "success"}` : "kitchen-outcome"}
        role="status"
        data-testid="kitchen-outcome"
        data-kind={outcome?.kind ?? ""}
      >
        {outcome?.text ?? ""}
      </p>
      <div class="board">
        {TICKET_COLUMNS.map((col) => {
          const list = tickets.filter((t) => t.status === col);
          return (
            <section
              class={`column column-${col}`}
              aria-labelledby={`col-${col}`}
              key={col}
              data-testid={`column-${col}`}
            >
              <h2 id={`col-${col}`}>
                {TITLES[col]} <span class="column-count">{list.length}</span>
              </h2>
              {list.length === 0 && <p class="muted empty">No tickets.</p>}
              <ul class="tickets">
                {list.map((t) => {
                  const elapsed = ticketElapsedMs(t, now);
                  const age = ageState(elapsed, thresholds);
                  const move = MOVES[t.status];
                  const busy = pending === t.orderId;
                  return (
                    <li
                      key={t.orderId}
                      class={`ticket age-${age}`}
                      data-testid="ticket"
                      data-order-id={t.orderId}
                      data-status={t.status}
                      data-age={age}
                    >
                      <p class="ticket-head">
                        <a
                          href={`/admin/orders/${encodeURIComponent(t.orderId)}`}
                          data-testid="ticket-number"
                        >
                          Order <strong>{orderLabel({ id: t.orderId, number: t.number })}</strong>
                        </a>
                        {t.name && (
                          <>
                            {" · "}
                            <span data-testid="ticket-name">{t.name}</span>
                          </>
                        )}
                      </p>
                      <p class={`ticket-age age-${age}`} data-testid="ticket-age" data-age={age}>
                        <span class="age-clock" data-testid="ticket-timer">{formatElapsed(elapsed)}</span>
                        {t.status === "ready" ? " to ready · " : " since payment · "}
                        <span class="age-label" data-testid="ticket-age-label">{AGE_LABELS[age]}</span>
                      </p>
                      <p class="ticket-pickup" data-testid="ticket-pickup">
                        Pickup: <strong>{pickupIn(t.pickupAt, zone)}</strong>
                      </p>
                      <ul class="ticket-lines">
                        {t.lines.map((l, i) => <li key={i}>{l}</li>)}
                      </ul>
                      {t.note && <p class="ticket-note" data-testid="ticket-note">Note: {t.note}</p>}
                      <p class="ticket-time muted">
                        {t.status === "queued"
                          ? `Paid ${timeIn(t.paidAt, zone)}`
                          : t.status === "preparing"
                          ? `Started ${timeIn(t.startedAt, zone)}`
                          : `Ready ${timeIn(t.readyAt, zone)}`}
                      </p>
                      {move && (
                        <form
                          method="post"
                          action="/admin/kitchen"
                          data-busy={move.busy}
                          aria-busy={busy ? "true" : undefined}
                          onSubmit={onSubmit}
                        >
                          <input type="hidden" name="_csrf" value={csrf} />
                          <input type="hidden" name="orderId" value={t.orderId} />
                          <input type="hidden" name="action" value={move.action} />
                          <button
                            type="submit"
                            class={move.primary ? "button primary" : "button"}
                            aria-disabled={busy ? "true" : undefined}
                          >
                            {busy ? move.busy : move.label}
                          </button>
                        </form>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}
