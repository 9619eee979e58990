/**
 * The CSV export of the orders list's filtered view, streamed: a `ReadableStream` that reads one
 * SearchOrders page of {@linkcode EXPORT_PAGE} orders each time the response asks for more (pull), so
 * only a page is ever held, whatever the number of orders; the client going away cancels it. UTF-8
 * with a byte-order mark (spreadsheets then read accents right), times in the shop's zone.
 *
 * @module
 */
import type { Order } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { Gateway } from "../gateway/mod.ts";
import { csvLine } from "./csv.ts";
import { firstPage, type OrderFilters } from "./order_filters.ts";
import { listRow, searchRequest } from "./order_search.ts";

/** Orders read per SearchOrders call of the export. */
export const EXPORT_PAGE = 250;

/** The header line's columns. */
export const CSV_COLUMNS = [
  "number",
  "order_id",
  "created",
  "customer_id",
  "name",
  "phone",
  "email",
  "status",
  "payment",
  "total",
  "currency",
  "units",
  "items",
] as const;

function localTime(timeZone: string): (d: Date | undefined) => string {
  const f = new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  return (d) => d ? f.format(d) : "";
}

/** Minor-unit digits of `currency` (2 when unknown). */
function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The CSV line of `o`. */
export function orderLine(o: Order, time: (d: Date | undefined) => string): string {
  const r = listRow(o);
  const digits = fractionDigits(r.total.currency);
  return csvLine([
    o.number || "",
    o.id,
    time(o.createdAt),
    o.customerId,
    r.name,
    o.details?.phone ?? "",
    o.details?.email ?? "",
    r.status,
    r.payment,
    (r.total.amount / 10 ** digits).toFixed(digits),
    r.total.currency,
    o.items.reduce((n, l) => n + l.quantity, 0),
    o.items.map((l) => `${l.quantity} × ${l.name || l.itemId}`).join("; "),
  ]);
}

/** The export of `filters` (every page, from the first) as a stream of UTF-8 bytes. */
export function ordersCsv(gw: Gateway, filters: OrderFilters, timeZone: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const time = localTime(timeZone);
  let cursor = "";
  let started = false;
  const base = firstPage(filters);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode("\uFEFF" + csvLine(CSV_COLUMNS)));
        return;
      }
      // a page may be empty (a rare filter's stretch of non-matches): read on until there is a row or
      // the end, since a pull that enqueues nothing is not called again
      for (;;) {
        const page = await gw.orders.staff.search(searchRequest({ ...base, cursor }, timeZone, EXPORT_PAGE));
        cursor = page.nextCursor;
        if (page.orders.length > 0) {
          controller.enqueue(enc.encode(page.orders.map((o) => orderLine(o, time)).join("")));
        }
        if (!cursor) {
          controller.close();
          return;
        }
        if (page.orders.length > 0) return;
      }
    },
  }, { highWaterMark: 1 });
}
