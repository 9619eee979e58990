/**
 * What each kitchen screen shows, as pure functions over {@linkcode TicketView}s (the server renders
 * with them, the island re-renders with them): a station's screen shows, of every open ticket with
 * something for that station, only that station's lines (and lines without a station); the expediter
 * screen shows whole tickets with each station's progress; both list the recently bumped tickets that
 * can still be recalled, newest first. No dependencies: islands import it.
 *
 * @module
 */
import type { StationPartView, TicketView } from "./view.ts";

/** The one-tap moves of the kitchen screens. */
export type KitchenMove = "start" | "complete" | "undo" | "recall" | "handover";

/** How long a new ticket stays highlighted, in milliseconds. */
export const NEW_TICKET_MS = 8000;

/** The longest station name accepted in a URL or a form. */
export const MAX_STATION_NAME = 64;

/** True for a station name a request may carry: 1 to 64 characters, none of them control characters. */
export function isStationName(s: string): boolean {
  // deno-lint-ignore no-control-regex
  return s.length > 0 && s.length <= MAX_STATION_NAME && !/[\u0000-\u001f\u007f]/.test(s);
}

/** A ticket as a station sees it: its part and the lines it makes. */
export interface StationTicket {
  ticket: TicketView;
  part: StationPartView;
  /** The lines of this station, then those without a station. */
  lines: string[];
}

/** The part of `t` that `station` makes: its own, or the one part of a ticket without stations. */
export function partFor(t: TicketView, station: string): StationPartView | undefined {
  return t.stations.find((p) => p.station === station) ??
    (t.stations.length === 1 && t.stations[0]!.station === "" ? t.stations[0] : undefined);
}

/** The lines of `t` that `station` sees: its own, then those without a station. */
export function linesFor(t: TicketView, station: string): string[] {
  const own = t.lines.filter((_, i) => t.lineStations[i] === station);
  const shared = t.lines.filter((_, i) => !t.lineStations[i]);
  return [...own, ...shared];
}

/** The open tickets of `station` (its part queued or preparing), oldest payment first. */
export function stationTickets(tickets: readonly TicketView[], station: string): StationTicket[] {
  const out: StationTicket[] = [];
  for (const ticket of tickets) {
    if (ticket.status === "cancelled" || ticket.handedOver) continue;
    const part = partFor(ticket, station);
    if (!part || part.status === "ready") continue;
    out.push({ ticket, part, lines: linesFor(ticket, station) });
  }
  return out.sort((a, b) => (a.ticket.paidAt ?? "").localeCompare(b.ticket.paidAt ?? ""));
}

/** A recently bumped ticket (or station part) that can still be recalled. */
export interface RecallEntry {
  ticket: TicketView;
  /** The part to recall ("" for the whole ticket). */
  station: string;
  /** When it was bumped (ISO 8601). */
  readyAt: string;
  /** Until when it can be recalled. */
  recallUntil: string;
  /** Until when its bump can still be undone, null after that. */
  undoUntil: string | null;
}

/**
 * The recall list: tickets bumped (ready) whose recall window is still open at `now`, newest bump
 * first; for a station, its bumped parts.
 */
export function recallList(
  tickets: readonly TicketView[],
  station: string | null,
  now: number,
): RecallEntry[] {
  const out: RecallEntry[] = [];
  for (const ticket of tickets) {
    if (ticket.status === "cancelled" || ticket.handedOver) continue;
    const src = station === null ? ticket : partFor(ticket, station);
    if (!src || src.status !== "ready" || !src.readyAt || !src.recallUntil) continue;
    if (Date.parse(src.recallUntil) <= now) continue;
    out.push({
      ticket,
      station: station === null ? "" : (src as StationPartView).station,
      readyAt: src.readyAt,
      recallUntil: src.recallUntil,
      undoUntil: src.undoUntil,
    });
  }
  return out.sort((a, b) => b.readyAt.localeCompare(a.readyAt));
}

/** True while `undoUntil` is after `now`. */
export function canUndo(undoUntil: string | null, now: number): boolean {
  return undoUntil !== null && Date.parse(undoUntil) > now;
}

/** Each station's progress on `t`, as short text for the expediter ("oven ready"). */
export function progressOf(t: TicketView): { station: string; status: string }[] {
  return t.stations.map((p) => ({ station: p.station || "kitchen", status: p.status }));
}

/** An average prep time as `m:ss` ("–" when nothing was bumped). */
export function formatAverage(ms: number, count: number): string {
  if (count === 0) return "–";
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** A station's name as a heading ("oven" -> "Oven"). */
export function stationTitle(station: string): string {
  return station ? station.charAt(0).toUpperCase() + station.slice(1) : "Kitchen";
}

/** The path of a kitchen screen: the expediter board or a station's screen, with the display layout kept. */
export function screenPath(station: string, display: boolean): string {
  const path = station ? `/admin/kitchen/station/${encodeURIComponent(station)}` : "/admin/kitchen";
  return display ? `${path}?display=1` : path;
}
