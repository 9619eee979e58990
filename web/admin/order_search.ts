/**
 * The orders list on the server: the URL's filters (`order_filters.ts`) as a SearchOrders request (local
 * dates turned into instants in the shop's zone), and a page of results as table rows with the
 * customer's name, status, payment state, total and creation time.
 *
 * @module
 */
import {
  type Order,
  OrderStatus,
  PaymentState,
  paymentStateFromJSON,
} from "../../services/common/gen/oms/orders/v1/orders.ts";
import { type MoneyJson, moneyJson, statusName } from "../api/order_json.ts";
import { statusOfName } from "../gateway/orders.ts";
import type { Gateway } from "../gateway/mod.ts";
import type { OrderSearch } from "../gateway/orders.ts";
import { startOfLocalDay } from "../shop.ts";
import { loadCounts } from "./data.ts";
import type { OrderFilters } from "./order_filters.ts";

/** Rows per page of the orders list. */
export const LIST_PAGE_SIZE = 20;

/** One row of the orders list. */
export interface ListRow {
  /** Order id. */
  id: string;
  /** Short number, 0 for none. */
  number: number;
  /** Customer id. */
  customerId: string;
  /** The customer's name ("" when not given). */
  name: string;
  /** Status name. */
  status: string;
  /** Payment state name (`order_filters.ts` PAYMENT_NAMES). */
  payment: string;
  /** Total. */
  total: MoneyJson;
  /** ISO 8601. */
  createdAt: string | null;
}

/** The list's live part: counts per status, one page of rows. */
export interface OrderListView {
  /** Orders per status. */
  counts: Record<string, number>;
  /** Rows, newest first. */
  rows: ListRow[];
  /** Next page's cursor, "" for none. */
  nextCursor: string;
  /** A note about the search, or "". */
  notice: string;
}

const PAYMENT_OF_ENUM: Partial<Record<PaymentState, string>> = {
  [PaymentState.PAYMENT_STATE_UNPAID]: "unpaid",
  [PaymentState.PAYMENT_STATE_PAID]: "paid",
  [PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED]: "partially_refunded",
  [PaymentState.PAYMENT_STATE_REFUNDED]: "refunded",
};

const PAID_STATUSES = new Set([
  OrderStatus.ORDER_STATUS_PAID,
  OrderStatus.ORDER_STATUS_PREPARING,
  OrderStatus.ORDER_STATUS_READY,
  OrderStatus.ORDER_STATUS_COMPLETED,
]);

/** The payment state of `o` as orders says it, or (orders that do not say) as its status implies. */
export function paymentName(o: Order): string {
  const said = o.paymentState === undefined ? undefined : PAYMENT_OF_ENUM[o.paymentState];
  if (said) return said;
  if (o.status === OrderStatus.ORDER_STATUS_REFUNDED) return "refunded";
  return PAID_STATUSES.has(o.status) ? "paid" : "unpaid";
}

/** A row of `o`. */
export function listRow(o: Order): ListRow {
  return {
    id: o.id,
    number: o.number,
    customerId: o.customerId,
    name: o.details?.name ?? "",
    status: statusName(o.status),
    payment: paymentName(o),
    total: moneyJson(o.total),
    createdAt: o.createdAt ? o.createdAt.toISOString() : null,
  };
}

/** The first instant of local day `ymd` (`YYYY-MM-DD`) in `timeZone`. */
export function localDayStart(ymd: string, timeZone: string): Date {
  const [y, m, d] = ymd.split("-").map(Number) as [number, number, number];
  const want = Date.UTC(y, m - 1, d);
  let at = new Date(want + 12 * 3_600_000);
  // noon UTC is that local day in most zones; step a day when the zone is far from UTC
  for (let i = 0; i < 2; i++) {
    const local = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    })
      .format(at);
    const shown = Date.parse(`${local}T00:00:00Z`);
    if (shown === want) break;
    at = new Date(at.getTime() + (want - shown));
  }
  return startOfLocalDay(at, timeZone);
}

/** The SearchOrders request of `f` (dates in `timeZone`; `to` is inclusive, so it ends the next midnight). */
export function searchRequest(f: OrderFilters, timeZone: string, pageSize: number): OrderSearch {
  const dayAfter = (ymd: string) => {
    const d = new Date(`${ymd}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  };
  return {
    query: f.q,
    statuses: f.statuses.map(statusOfName),
    paymentStates: f.payments.map((p) => paymentStateFromJSON(`PAYMENT_STATE_${p.toUpperCase()}`)),
    createdFrom: f.from ? localDayStart(f.from, timeZone) : undefined,
    createdUntil: f.to ? localDayStart(dayAfter(f.to), timeZone) : undefined,
    pageSize,
    cursor: f.cursor,
  };
}

/** Counts and one page of the list for `f`. */
export async function loadOrderList(
  gw: Gateway,
  f: OrderFilters,
  timeZone: string,
  pageSize = LIST_PAGE_SIZE,
): Promise<OrderListView> {
  const req = searchRequest(f, timeZone, pageSize);
  if (req.createdFrom && req.createdUntil && req.createdFrom >= req.createdUntil) {
    return {
      counts: await loadCounts(gw),
      rows: [],
      nextCursor: "",
      notice: "The first day is after the last day.",
    };
  }
  const [counts, page] = await Promise.all([loadCounts(gw), gw.orders.staff.search(req)]);
  const rows = page.orders.map(listRow);
  const notice = rows.length === 0 && f.q && !f.cursor ? `No orders match "${f.q}".` : "";
  return { counts, rows, nextCursor: page.nextCursor, notice };
}
