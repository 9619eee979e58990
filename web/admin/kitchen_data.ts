/**
 * What the kitchen screens load through the gateway: the tickets as views (cancelled and handed-over
 * ones left off), the kitchen stations of the menu (from stock's catalog, never a list in web), and
 * today's average prep time per station (the shop's local day).
 *
 * @module
 */
import {
  type StationProgress,
  type Ticket,
  ticketStatusToJSON,
} from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import type { Logger } from "../../services/common/log.ts";
import { toApiError } from "../api/errors.ts";
import type { Gateway } from "../gateway/mod.ts";
import { startOfLocalDay } from "../shop.ts";
import type { StationPartView, StationStatsView, TicketView } from "./view.ts";

const iso = (d: Date | undefined) => d?.toISOString() ?? null;
const statusName = (s: Ticket["status"]) =>
  ticketStatusToJSON(s).replace(/^TICKET_STATUS_/, "").toLowerCase();

function partView(p: StationProgress): StationPartView {
  return {
    station: p.station,
    status: statusName(p.status),
    startedAt: iso(p.startedAt),
    readyAt: iso(p.readyAt),
    undoUntil: iso(p.undoUntil),
    recallUntil: iso(p.recallUntil),
  };
}

/** A ticket for the kitchen screens. */
export function ticketView(t: Ticket): TicketView {
  return {
    orderId: t.orderId,
    number: t.orderNumber,
    name: t.details?.name ?? "",
    note: t.details?.note ?? "",
    pickupAt: iso(t.details?.pickupAt),
    status: statusName(t.status),
    lines: t.items.map((l) => `${l.quantity} × ${l.name || l.itemId}`),
    lineStations: t.items.map((l) => l.station ?? ""),
    paidAt: iso(t.paidAt),
    startedAt: iso(t.startedAt),
    readyAt: iso(t.readyAt),
    stations: t.stations.map(partView),
    startedBy: t.startedBy,
    readyBy: t.readyBy,
    undoUntil: iso(t.undoUntil),
    recallUntil: iso(t.recallUntil),
    handedOver: t.handedOverAt !== undefined,
  };
}

/** Most ready tickets shown (the newest); older ones have been handed over long ago. */
export const MAX_READY = 12;

/**
 * The tickets on the kitchen screens: queued and preparing oldest payment first, then the newest
 * {@linkcode MAX_READY} ready ones not handed over yet, newest first. Cancelled (refunded) tickets
 * are left off.
 */
export async function loadTickets(gw: Gateway): Promise<TicketView[]> {
  const all = (await gw.kitchen.tickets()).map(ticketView).filter((t) =>
    t.status !== "cancelled" && !t.handedOver
  );
  const ready = all.filter((t) => t.status === "ready")
    .sort((a, b) => (b.readyAt ?? "").localeCompare(a.readyAt ?? ""))
    .slice(0, MAX_READY);
  return [...all.filter((t) => t.status !== "ready"), ...ready];
}

/** The kitchen stations of the menu, in menu order (each item's station, once). */
export async function loadStations(gw: Gateway): Promise<string[]> {
  const stations: string[] = [];
  for (const item of await gw.stock.list()) {
    const s = (item.station ?? "").trim();
    if (s && !stations.includes(s)) stations.push(s);
  }
  return stations;
}

/** Average prep time per station since the start of today in `timeZone`. */
export async function loadStats(
  gw: Gateway,
  timeZone: string,
  now = new Date(),
): Promise<StationStatsView[]> {
  return (await gw.kitchen.stats(startOfLocalDay(now, timeZone))).map((s) => ({
    station: s.station,
    count: s.count,
    averagePrepMs: s.averagePrepMs,
  }));
}

/** What a kitchen screen renders. */
export interface KitchenScreenData {
  /** Tickets. */
  tickets: TicketView[];
  /** The menu's kitchen stations (for the screens' navigation); empty when stock could not say. */
  stations: string[];
  /** Today's average prep time per station. */
  stats: StationStatsView[];
  /** The station whose screen this is, "" for the expediter. */
  station: string;
  /** The full-screen display layout (`?display=1`). */
  display: boolean;
  /** An error to show, or "". */
  error: string;
  /** True when the tickets could not be read. */
  offline: boolean;
  /** When the page was rendered (epoch milliseconds): the timers' "now" before the script runs. */
  now: number;
}

/**
 * Loads a kitchen screen: tickets (failing: offline, with the error and its status), stations and
 * today's figures (failing: none, the tickets still show).
 */
export async function loadScreen(
  gw: Gateway,
  log: Logger,
  opts: { station: string; display: boolean; timeZone: string; error?: string },
): Promise<{ data: KitchenScreenData; status: number }> {
  const [tickets, stations, stats] = await Promise.allSettled([
    loadTickets(gw),
    loadStations(gw),
    loadStats(gw, opts.timeZone),
  ]);
  for (const r of [stations, stats]) {
    if (r.status === "rejected") log.warn("kitchen screen: figures unavailable", { err: r.reason });
  }
  const data: KitchenScreenData = {
    tickets: tickets.status === "fulfilled" ? tickets.value : [],
    stations: stations.status === "fulfilled" ? stations.value : [],
    stats: stats.status === "fulfilled" ? stats.value : [],
    station: opts.station,
    display: opts.display,
    error: opts.error ?? "",
    offline: tickets.status === "rejected",
    now: Date.now(),
  };
  if (tickets.status === "rejected") {
    const e = toApiError(tickets.reason, "kitchen");
    return { data: { ...data, error: data.error || e.message }, status: e.status };
  }
  return { data, status: 200 };
}
