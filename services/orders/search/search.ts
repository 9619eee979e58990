/**
 * SearchOrders: text and filters that combine, newest first, paged by position. It reads the most
 * selective index it has — the text's sources (`query.ts`), else the status indexes of the statuses
 * asked for (or that the payment states asked for allow), else the time index — within the creation
 * window, and checks the rest of the filters on each candidate order. A page reads at most
 * {@linkcode MAX_SCANNED} candidates: a rare match far back answers a short (even empty) page with a
 * cursor to continue from, so no request scans without bound.
 *
 * @module
 */
import type { Order, OrderStatus } from "../domain/order.ts";
import { ORDER_STATUSES } from "../domain/order.ts";
import { type PaymentStateName, paymentStateOf } from "../domain/payment_state.ts";
import { orderKey } from "../store.ts";
import { planText } from "./query.ts";
import {
  allOrders,
  decodeCursor,
  encodeCursor,
  END_OF_TIME,
  merged,
  type Position,
  type Source,
  withStatus,
} from "./sources.ts";

/** Most candidates one page reads. */
export const MAX_SCANNED = 5000;
/** Candidates read per batch of order reads. */
const BATCH = 50;

/** A search. */
export interface SearchRequest {
  /** Free text ("" for none). */
  query: string;
  /** Any of these statuses (empty: every status). */
  statuses: readonly OrderStatus[];
  /** Any of these payment states (empty: every one). */
  paymentStates: readonly PaymentStateName[];
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  until?: Date;
  /** Orders per page (validated by the caller). */
  pageSize: number;
  /** "" for the first page. */
  cursor: string;
}

/** A page of results. */
export interface SearchPage {
  orders: Order[];
  /** "" when there are no more. */
  nextCursor: string;
}

/** The statuses an order in each payment state can have. */
const STATUSES_OF_PAYMENT: Record<PaymentStateName, readonly OrderStatus[]> = {
  unpaid: ["pending", "waiting_payment", "cancelled"],
  paid: ["paid", "preparing", "ready", "completed"],
  partially_refunded: ["paid", "preparing", "ready", "completed", "refunded"],
  refunded: ["paid", "preparing", "ready", "completed", "refunded"],
};

/** The statuses worth reading for the filters, or null for "read the time index". */
function statusesToRead(req: SearchRequest): readonly OrderStatus[] | null {
  let set: Set<OrderStatus> = new Set(req.statuses.length ? req.statuses : ORDER_STATUSES);
  if (req.paymentStates.length) {
    const allowed = new Set(req.paymentStates.flatMap((p) => STATUSES_OF_PAYMENT[p]));
    set = new Set([...set].filter((s) => allowed.has(s)));
  }
  // merging many status indexes costs more than reading the time index once
  return set.size === ORDER_STATUSES.length || set.size > 3 ? null : [...set];
}

/** Runs `req` against `kv`. */
export async function searchOrders(kv: Deno.Kv, req: SearchRequest): Promise<SearchPage> {
  const below = decodeCursor(req.cursor);
  const window = {
    from: req.from ? Math.max(0, req.from.getTime()) : 0,
    until: req.until ? Math.min(END_OF_TIME, req.until.getTime()) : END_OF_TIME,
  };
  const text = planText(req.query);
  let source: Source;
  if (text) {
    if (text.sources.length === 0) return { orders: [], nextCursor: "" };
    source = merged(text.sources);
  } else {
    const statuses = statusesToRead(req);
    if (statuses && statuses.length === 0) return { orders: [], nextCursor: "" };
    source = statuses ? merged(statuses.map(withStatus)) : allOrders;
  }
  const statuses = new Set(req.statuses);
  const payments = new Set(req.paymentStates);
  const keep = (o: Order): boolean => {
    const ms = new Date(o.createdAt).getTime();
    return ms >= window.from && ms < window.until &&
      (statuses.size === 0 || statuses.has(o.status)) &&
      (payments.size === 0 || payments.has(paymentStateOf(o))) &&
      (!text || text.matches(o));
  };

  const orders: Order[] = [];
  const it = source(kv, window, below)[Symbol.asyncIterator]();
  let scanned = 0;
  let last: Position | null = null;
  let done = false;
  while (!done && orders.length < req.pageSize && scanned < MAX_SCANNED) {
    const batch: Position[] = [];
    while (batch.length < BATCH && scanned + batch.length < MAX_SCANNED) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      batch.push(r.value);
    }
    scanned += batch.length;
    const read = await readOrders(kv, batch.map((p) => p.id));
    for (let i = 0; i < batch.length; i++) {
      last = batch[i]!;
      const o = read[i];
      if (o && keep(o)) {
        orders.push(o);
        if (orders.length === req.pageSize) {
          done = done && i === batch.length - 1;
          break;
        }
      }
    }
  }
  await it.return?.();
  return { orders, nextCursor: !done && last ? encodeCursor(last) : "" };
}

/** The orders `ids` (null where missing), in order, ten per round trip, the round trips in parallel. */
async function readOrders(kv: Deno.Kv, ids: string[]): Promise<(Order | null)[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 10) chunks.push(ids.slice(i, i + 10));
  const got = await Promise.all(chunks.map((c) => kv.getMany<Order[]>(c.map(orderKey))));
  return got.flat().map((e) => e.value);
}
