/**
 * The kitchen screens. The expediter screen (`station` ""): whole tickets in three columns (queued,
 * preparing, ready) with each station's progress. A station's screen: only the tickets with something
 * for that station, only that station's lines, in two columns (to start, preparing); a bumped part
 * leaves the screen for the recall list. Both show the recall list (recently bumped, newest first,
 * "Recall" and, while the kitchen's undo window is open, "Undo") and today's average prep time per
 * station.
 *
 * Each ticket shows its number, who it is for, the pickup time, the note and a timer counting up from
 * payment (to ready, once it is), marked "fresh", "warn" or "late" by a class and a text label. One tap
 * moves a ticket, no confirmation page: POST forms to `/admin/kitchen` carrying the CSRF token (they
 * work before the script loads: redirect back with a flash); with the script they are sent with
 * `fetch`, the outcome is shown above the board and the board reloads. Ticket changes are pushed as
 * server-sent events (`/admin/api/kitchen/events`); after each burst the board reloads
 * `/admin/api/kitchen` once, and only when streaming fails it polls that feed while the tab is visible.
 *
 * New tickets announce themselves: highlighted ("New") for a few seconds, announced in a live region,
 * and, when this browser chose it (off by default, remembered), a short beep. A full-screen button (the
 * Fullscreen API) and the display layout (`?display=1`) make the screen fit a 1080p screen or a tablet,
 * readable from a metre away.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useRef, useState } from "preact/hooks";
import type { KitchenThresholds, StationStatsView, TicketView } from "../admin/view.ts";
import { NEW_TICKET_MS, recallList, screenPath, stationTickets } from "../admin/kitchen_view.ts";
import { TicketCard } from "../components/admin/kitchen/TicketCard.tsx";
import { RecallList } from "../components/admin/kitchen/RecallList.tsx";
import { PrepStats } from "../components/admin/kitchen/PrepStats.tsx";
import { reloadOnLive } from "../lib/live_reload.ts";
import { beep, rememberSound, soundWanted, unlockSound } from "../lib/kitchen_sound.ts";
import { orderLabel } from "../lib/order_view.ts";

/** Props of {@linkcode AdminKitchen}. */
export interface AdminKitchenProps {
  /** Tickets as the server rendered them. */
  initial: TicketView[];
  /** Today's prep averages as the server read them. */
  stats: StationStatsView[];
  /** The station whose screen this is, "" for the expediter. */
  station: string;
  /** The full-screen display layout. */
  display: boolean;
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
/** How often the board polls when streaming fails, in milliseconds. */
export const POLL_MS = 2000;
/** How long the board waits after a pushed change before reloading (changes meanwhile share the reload), in milliseconds. */
export const SETTLE_MS = 150;

interface Outcome {
  kind: "success" | "error";
  text: string;
}

type Feed = "live" | "offline" | "expired";

const EXPO_COLUMNS = [
  { status: "queued", title: "Queued" },
  { status: "preparing", title: "Preparing" },
  { status: "ready", title: "Ready" },
];

const STATION_COLUMNS = [
  { status: "queued", title: "To start" },
  { status: "preparing", title: "Preparing" },
];

/** The ids of the tickets `station`'s screen shows. */
function shownIds(tickets: TicketView[], station: string): string[] {
  return station
    ? stationTickets(tickets, station).map((s) => s.ticket.orderId)
    : tickets.filter((t) => t.status !== "ready").map((t) => t.orderId);
}

/** The screen. */
export default function AdminKitchen(p: AdminKitchenProps) {
  const { station, display, csrf, thresholds } = p;
  const zone = { timeZone: p.timeZone ?? "UTC", locale: p.locale ?? "en-GB" };
  const [tickets, setTickets] = useState(p.initial);
  const [stats, setStats] = useState(p.stats);
  const [feed, setFeed] = useState<Feed>(p.offline ? "offline" : "live");
  const [now, setNow] = useState(p.now);
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [fresh, setFresh] = useState<Record<string, number>>({});
  const [announce, setAnnounce] = useState("");
  const [hydrated, setHydrated] = useState(false);
  const [sound, setSound] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const seen = useRef(new Set(shownIds(p.initial, station)));
  const soundOn = useRef(false);
  const root = useRef<HTMLDivElement>(null);
  const reload = useRef<() => Promise<boolean>>(() => Promise.resolve(true));

  useEffect(() => {
    setHydrated(true);
    setNow(Date.now());
    const wanted = soundWanted();
    setSound(wanted);
    soundOn.current = wanted;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    const onFullscreen = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener("fullscreenchange", onFullscreen);
    return () => {
      clearInterval(timer);
      document.removeEventListener("fullscreenchange", onFullscreen);
    };
  }, []);

  // New tickets on this screen: highlighted, announced, and a beep when chosen.
  useEffect(() => {
    const arrived = shownIds(tickets, station).filter((id) => !seen.current.has(id));
    if (arrived.length === 0) return;
    const at = Date.now();
    for (const id of arrived) seen.current.add(id);
    setFresh((prev) => ({ ...prev, ...Object.fromEntries(arrived.map((id) => [id, at])) }));
    const labels = arrived.map((id) => {
      const t = tickets.find((x) => x.orderId === id);
      return orderLabel({ id, number: t?.number ?? 0 });
    });
    setAnnounce(`New ticket${labels.length > 1 ? "s" : ""}: ${labels.join(", ")}`);
    if (soundOn.current) beep();
  }, [tickets]);

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
          const body = await res.json() as { tickets: TicketView[]; stats?: StationStatsView[] };
          setTickets((prev) => JSON.stringify(prev) === JSON.stringify(body.tickets) ? prev : body.tickets);
          if (body.stats) {
            const next = body.stats;
            setStats((prev) => JSON.stringify(prev) === JSON.stringify(next) ? prev : next);
          }
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

  const toggleSound = (e: Event) => {
    const on = (e.currentTarget as HTMLInputElement).checked;
    if (on) unlockSound();
    soundOn.current = on;
    setSound(on);
    rememberSound(on);
  };

  const toggleFullscreen = async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await (root.current ?? document.documentElement).requestFullscreen();
    } catch {
      // refused (e.g. not allowed in this frame): the display layout still applies
    }
  };

  const isFresh = (id: string) => fresh[id] !== undefined && now - fresh[id]! < NEW_TICKET_MS;
  const card = { now, zone, thresholds, csrf, display: display || fullscreen, pending, onSubmit };
  const loginNext = encodeURIComponent(screenPath(station, display));
  const columns = station ? STATION_COLUMNS : EXPO_COLUMNS;
  const stationList = station ? stationTickets(tickets, station) : [];

  return (
    <div
      class={`kitchen${display || fullscreen ? " kitchen-display" : ""}`}
      ref={root}
      data-testid="kitchen"
      data-station={station}
    >
      <div class="kitchen-bar">
        <p class="feed-note muted" role="status" data-testid="kitchen-feed" data-feed={feed}>
          {feed === "live"
            ? "Updates live."
            : feed === "offline"
            ? "Cannot reach the kitchen service; retrying…"
            : "Your session has ended."}
          {feed === "expired" && <a href={`/admin/login?next=${loginNext}`}>Log in again</a>}
        </p>
        {hydrated && (
          <div class="kitchen-tools">
            <label class="sound-toggle">
              <input type="checkbox" checked={sound} onChange={toggleSound} data-testid="sound-toggle" />{" "}
              Sound for new tickets
            </label>
            <button type="button" class="button" onClick={toggleFullscreen} data-testid="fullscreen">
              {fullscreen ? "Exit full screen" : "Full screen"}
            </button>
          </div>
        )}
      </div>
      <p class="sr-only" role="status" aria-live="polite" data-testid="kitchen-announce">{announce}</p>
      <p
        class={outcome ? `alert ${outcome.kind === "error" ? "error" : "success"}` : "kitchen-outcome"}
        role="status"
        data-testid="kitchen-outcome"
        data-kind={outcome?.kind ?? ""}
      >
        {outcome?.text ?? ""}
      </p>
      <div class={`board board-${columns.length}`}>
        {columns.map((col) => {
          const list = station
            ? stationList.filter((s) => s.part.status === col.status)
            : tickets.filter((t) => t.status === col.status).map((t) => ({
              ticket: t,
              part: undefined,
              lines: t.lines,
            }));
          return (
            <section
              class={`column column-${col.status}`}
              aria-labelledby={`col-${col.status}`}
              key={col.status}
              data-testid={`column-${col.status}`}
            >
              <h2 id={`col-${col.status}`}>
                {col.title} <span class="column-count">{list.length}</span>
              </h2>
              {list.length === 0 && <p class="muted empty">No tickets.</p>}
              <ul class="tickets">
                {list.map((s) => (
                  <TicketCard
                    key={s.ticket.orderId}
                    {...card}
                    ticket={s.ticket}
                    station={station}
                    part={s.part}
                    lines={s.lines}
                    fresh={isFresh(s.ticket.orderId)}
                  />
                ))}
              </ul>
            </section>
          );
        })}
      </div>
      <div class="kitchen-foot">
        <RecallList
          {...card}
          entries={recallList(tickets, station || null, now)}
          station={station}
        />
        <PrepStats stats={stats} />
      </div>
    </div>
  );
}
