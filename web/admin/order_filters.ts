/**
 * The orders list's filters as they live in the URL, so a view is a bookmark: `q` (text), `status`
 * (repeatable), `payment` (repeatable), `from` and `to` (local dates `YYYY-MM-DD` in the shop's zone,
 * both inclusive), `cursor` (the page) and `back` (the cursors of the pages before, for "Previous").
 * Reading drops what is not valid (unknown statuses, malformed dates, over-long values). No
 * dependencies but `view.ts`'s constants: the island imports it too.
 *
 * @module
 */
import { ORDER_STATUSES } from "./view.ts";

/** Order statuses, in display order (the dashboard's list). */
export const STATUS_NAMES = ORDER_STATUSES;

/** Payment states, in display order. */
export const PAYMENT_NAMES = ["unpaid", "paid", "partially_refunded", "refunded"] as const;

/** A payment state for people. */
export const PAYMENT_LABELS: Readonly<Record<string, string>> = {
  unpaid: "Unpaid",
  paid: "Paid",
  partially_refunded: "Partially refunded",
  refunded: "Refunded",
};

/** The filters of the orders list. */
export interface OrderFilters {
  /** Search text, "" for none. */
  q: string;
  /** Any of these statuses (empty: all). */
  statuses: string[];
  /** Any of these payment states (empty: all). */
  payments: string[];
  /** First local day, `YYYY-MM-DD`, "" for open. */
  from: string;
  /** Last local day (inclusive), `YYYY-MM-DD`, "" for open. */
  to: string;
  /** The page's cursor, "" for the first. */
  cursor: string;
  /** Cursors of the earlier pages, oldest first (the previous page is the last one). */
  back: string[];
}

/** Longest search text kept. */
export const MAX_Q = 120;
/** Most earlier pages remembered for "Previous". */
export const MAX_BACK = 20;
const MAX_CURSOR = 300;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** No filters, first page. */
export const NO_FILTERS: OrderFilters = {
  q: "",
  statuses: [],
  payments: [],
  from: "",
  to: "",
  cursor: "",
  back: [],
};

function validDate(s: string): string {
  if (!DATE.test(s)) return "";
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? "" : s;
}

function cursorOk(s: string): boolean {
  return s.length > 0 && s.length <= MAX_CURSOR && /^[\w.~-]+$/.test(s);
}

/** The filters in `params`. */
export function parseFilters(params: URLSearchParams): OrderFilters {
  const pick = <T extends string>(
    name: string,
    allowed: readonly T[],
  ) => [...new Set(params.getAll(name).filter((v): v is T => (allowed as readonly string[]).includes(v)))];
  const cursor = params.get("cursor") ?? "";
  return {
    q: (params.get("q") ?? "").trim().slice(0, MAX_Q),
    statuses: pick("status", STATUS_NAMES),
    payments: pick("payment", PAYMENT_NAMES),
    from: validDate(params.get("from") ?? ""),
    to: validDate(params.get("to") ?? ""),
    cursor: cursorOk(cursor) ? cursor : "",
    back: (params.get("back") ?? "").split(",").filter(cursorOk).slice(-MAX_BACK),
  };
}

/** The query string of `f` (without "?"), parameters in a fixed order. */
export function filtersQuery(f: Partial<OrderFilters>): string {
  const p = new URLSearchParams();
  if (f.q) p.set("q", f.q);
  for (const s of f.statuses ?? []) p.append("status", s);
  for (const s of f.payments ?? []) p.append("payment", s);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.cursor) p.set("cursor", f.cursor);
  if (f.back?.length) p.set("back", f.back.join(","));
  return p.toString();
}

/** `path` with the query of `f`. */
export function filtersHref(path: string, f: Partial<OrderFilters>): string {
  const q = filtersQuery(f);
  return q ? `${path}?${q}` : path;
}

/** The same filters, first page. */
export function firstPage(f: OrderFilters): OrderFilters {
  return { ...f, cursor: "", back: [] };
}

/** The filters of the page after this one, whose cursor is `next`. */
export function nextPage(f: OrderFilters, next: string): OrderFilters {
  return { ...f, cursor: next, back: [...f.back, f.cursor || "~"].slice(-MAX_BACK) };
}

/** The filters of the page before this one, or null on the first page. */
export function previousPage(f: OrderFilters): OrderFilters | null {
  if (!f.cursor) return null;
  const prev = f.back.at(-1);
  if (prev === undefined) return firstPage(f);
  return { ...f, cursor: prev === "~" ? "" : prev, back: f.back.slice(0, -1) };
}

/** True when any filter or search is set. */
export function isFiltered(f: OrderFilters): boolean {
  return f.q !== "" || f.statuses.length > 0 || f.payments.length > 0 || f.from !== "" || f.to !== "";
}
