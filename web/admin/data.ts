/**
 * What the admin pages read, through the service facades (`web/gateway/`): order counts and pages
 * (filtered by status, searched by exact order id or customer id), the chart's orders, kitchen tickets,
 * stock items and dead letters. Failures are the facades' {@linkcode ApiError}s naming the service.
 *
 * @module
 */
import type { Order } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { DeadLetter } from "../../services/common/gen/oms/deadletters/v1/deadletters.ts";
import type { Logger } from "../../services/common/log.ts";
import { toApiError } from "../api/errors.ts";
import { moneyJson, statusName } from "../api/order_json.ts";
import { CONSUMERS } from "../gateway/dead_letters.ts";
import type { Gateway } from "../gateway/mod.ts";
import { type Bucket, bucketOrders, type ChartRange, rangeStart } from "./chart.ts";
import { isOrderStatus, ORDER_STATUSES, type OrderRow, type OrdersQuery, type OrdersView } from "./view.ts";
import type { PeerName } from "../gateway/clients.ts";
import type { Zone } from "../lib/when.ts";

/** Rows per page of the orders table. */
export const PAGE_SIZE = 20;
/** Most ListOrders pages read for the chart (of 100 orders each). */
export const CHART_MAX_PAGES = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A table row of an order. */
export function orderRow(o: Order): OrderRow {
  return {
    id: o.id,
    number: o.number,
    customerId: o.customerId,
    status: statusName(o.status),
    total: moneyJson(o.total),
    units: o.items.reduce((n, l) => n + l.quantity, 0),
    createdAt: o.createdAt ? o.createdAt.toISOString() : null,
  };
}

/** Reads the filters from a URL's query (unknown status or an over-long search are dropped). */
export function ordersQuery(url: URL): OrdersQuery {
  const status = url.searchParams.get("status") ?? "";
  const q = (url.searchParams.get("q") ?? "").trim();
  const cursor = url.searchParams.get("cursor") ?? "";
  return {
    status: isOrderStatus(status) ? status : "",
    q: q.length <= 64 ? q : q.slice(0, 64),
    cursor: cursor.length <= 512 ? cursor : "",
  };
}

/** Orders per status. */
export async function loadCounts(gw: Gateway): Promise<Record<string, number>> {
  const zero: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0]));
  return { ...zero, ...await gw.orders.counts() };
}

/** One page of the orders table for `query`, plus the counts. */
export async function loadOrdersView(gw: Gateway, query: OrdersQuery): Promise<OrdersView> {
  const countsP = loadCounts(gw);
  let rows: OrderRow[] = [];
  let nextCursor = "";
  let notice = "";
  const keep = (o: Order) => query.status === "" || statusName(o.status) === query.status;
  if (query.q === "") {
    const res = await gw.orders.list(query.status, { pageSize: PAGE_SIZE, cursor: query.cursor });
    rows = res.orders.map(orderRow);
    nextCursor = res.nextCursor;
  } else if (!CUSTOMER_ID.test(query.q)) {
    notice = `"${query.q}" is not an order id or a customer id (letters, digits, "_" and "-" only).`;
  } else {
    let found = false;
    if (UUID.test(query.q)) {
      const order = await gw.orders.find(query.q.toLowerCase());
      if (order) {
        found = true;
        rows = keep(order) ? [orderRow(order)] : [];
      }
    }
    if (!found) {
      const res = await gw.orders.listOfCustomer(query.q, { pageSize: PAGE_SIZE, cursor: query.cursor });
      rows = res.orders.filter(keep).map(orderRow);
      nextCursor = res.nextCursor;
      if (res.orders.length === 0 && !query.cursor) notice = `No order or customer with id "${query.q}".`;
    }
  }
  return { counts: await countsP, rows, nextCursor, notice };
}

/**
 * The chart's buckets in `zone` (the shop's time zone and locale), and whether the orders read stopped
 * before the start of the range.
 */
export async function loadChart(
  gw: Gateway,
  range: ChartRange,
  now: Date,
  zone: Zone,
): Promise<{ buckets: Bucket[]; partial: boolean; read: number }> {
  const from = rangeStart(range, now, zone.timeZone).getTime();
  const times: Date[] = [];
  let cursor = "";
  let partial = false;
  for (let page = 0; page < CHART_MAX_PAGES; page++) {
    const res = await gw.orders.list("", { pageSize: 100, cursor });
    let older = false;
    for (const o of res.orders) {
      if (!o.createdAt) continue;
      if (o.createdAt.getTime() < from) older = true;
      else times.push(o.createdAt);
    }
    cursor = res.nextCursor;
    if (older || !cursor) break;
    if (page === CHART_MAX_PAGES - 1) partial = true;
  }
  return { buckets: bucketOrders(times, range, now, zone), partial, read: times.length };
}

export { loadTickets, MAX_READY, ticketView } from "./kitchen_data.ts";

/** A stock row. */
export interface StockRow {
  /** Item id. */
  id: string;
  /** Name. */
  name: string;
  /** Units that can be ordered. */
  available: number;
  /** Units held by unpaid orders. */
  reserved: number;
  /** Units sold. */
  sold: number;
}

/** Stock levels of every item. */
export async function loadStock(gw: Gateway): Promise<StockRow[]> {
  return (await gw.stock.list()).map((i: Item) => ({
    id: i.id,
    name: i.name,
    available: i.available,
    reserved: i.reserved,
    sold: i.sold,
  }));
}

/** A parked message as the page shows it. */
export interface DeadLetterView {
  /** Dead-letter id. */
  id: string;
  /** The message id. */
  messageId: string;
  /** Routing key. */
  routingKey: string;
  /** The body as text (whole; the page previews it). */
  payload: string;
  /** Why it was parked. */
  reason: string;
  /** Delivery attempts. */
  attempts: number;
  /** ISO 8601. */
  parkedAt: string | null;
  /** Size of the original body in bytes (0 when unknown: parked by an older version). */
  sizeBytes: number;
  /** True when `payload` is only the start of the body (it then cannot be replayed). */
  truncated: boolean;
}

/** The dead letters of one service, or why they could not be read. */
export interface DeadLetterGroup {
  /** The consuming service. */
  service: PeerName;
  /** Its parked messages (oldest id first), empty when `error` is set. */
  letters: DeadLetterView[];
  /** A message when the service could not be asked. */
  error: string;
  /** True when the service has more parked messages than listed. */
  more: boolean;
}

/** Most dead letters listed per service. */
export const DEAD_LETTER_LIMIT = 100;

/** Dead letters of every consuming service; a service that does not answer gets an error instead. */
export async function loadDeadLetters(gw: Gateway, log: Logger): Promise<DeadLetterGroup[]> {
  return await Promise.all(CONSUMERS.map(async (service): Promise<DeadLetterGroup> => {
    try {
      const res = await gw.deadLetters.list(service, DEAD_LETTER_LIMIT);
      return {
        service,
        letters: res.letters.map((d: DeadLetter) => ({
          id: d.id,
          messageId: d.messageId,
          routingKey: d.routingKey,
          payload: d.payload,
          reason: d.reason,
          attempts: d.attempts,
          parkedAt: d.parkedAt?.toISOString() ?? null,
          sizeBytes: d.sizeBytes,
          truncated: d.truncated,
        })),
        error: "",
        more: res.more,
      };
    } catch (err) {
      const e = toApiError(err, service);
      log.warn("dead letters unavailable", { service, err: e.message });
      return {
        service,
        letters: [],
        more: false,
        error: e.status >= 500 ? `The ${service} service did not answer.` : e.message,
      };
    }
  }));
}
