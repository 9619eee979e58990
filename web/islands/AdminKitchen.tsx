/**
 * The kitchen board: tickets in three columns (queued, preparing, ready), each with the order's number,
 * who it is for, the pickup time (in the shop's zone) and the customer's note, with "Start" on queued and
 * "Complete" on preparing tickets (plain POST forms carrying the CSRF token, so they work before the
 * script loads too) and "Mark completed" on ready ones (the order's confirmation page). Ticket changes
 * are pushed as server-sent events (`/admin/api/kitchen/events`); after each burst the board reloads
 * `/admin/api/kitchen` once. Only when streaming fails does it poll that feed every few seconds while
 * the tab is visible. Cards are keyed by order id, so a refresh does not move the keyboard focus.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useState } from "preact/hooks";
import { TICKET_COLUMNS, type TicketView } from "../admin/view.ts";
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
}

/** How often the board polls when streaming fails, in milliseconds. */
export const POLL_MS = 2000;
/** How long the board waits after a pushed change before reloading (changes meanwhile share the reload), in milliseconds. */
export const SETTLE_MS = 150;

const TITLES: Record<string, string> = { queued: "Queued", preparing: "Preparing", ready: "Ready" };

type Feed = "live" | "offline" | "expired";

/** The board. */
export default function AdminKitchen(
  { initial, csrf, offline, timeZone = "UTC", locale = "en-GB" }: AdminKitchenProps,
) {
  const [tickets, setTickets] = useState(initial);
  const zone = { timeZone, locale };
  const [feed, setFeed] = useState<Feed>(offline ? "offline" : "live");

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
                {list.map((t) => (
                  <li
                    key={t.orderId}
                    class="ticket"
                    data-testid="ticket"
                    data-order-id={t.orderId}
                    data-status={t.status}
                  >
                    <p class="ticket-head">
                      <a href={`/admin/orders/${encodeURIComponent(t.orderId)}`} data-testid="ticket-number">
                        Order <strong>{orderLabel({ id: t.orderId, number: t.number })}</strong>
                      </a>
                      {t.name && (
                        <>
                          {" · "}
                          <span data-testid="ticket-name">{t.name}</span>
                        </>
                      )}
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
                    {t.status === "ready"
                      ? (
                        <form method="get" action={`/admin/orders/${encodeURIComponent(t.orderId)}/confirm`}>
                          <input type="hidden" name="action" value="complete" />
                          <button type="submit" class="button">Mark completed</button>
                        </form>
                      )
                      : (
                        <form
                          method="post"
                          action="/admin/kitchen"
                          data-busy={t.status === "queued" ? "Starting…" : "Completing…"}
                        >
                          <input type="hidden" name="_csrf" value={csrf} />
                          <input type="hidden" name="orderId" value={t.orderId} />
                          <input
                            type="hidden"
                            name="action"
                            value={t.status === "queued" ? "start" : "complete"}
                          />
                          <button type="submit" class="button primary">
                            {t.status === "queued" ? "Start" : "Complete"}
                          </button>
                        </form>
                      )}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}
