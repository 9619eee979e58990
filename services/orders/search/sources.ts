/**
 * Where a search reads its candidates: index ranges whose keys end in the order's creation time and id,
 * read newest first within a time window, merged when a search reads more than one (several statuses,
 * or a text that may be a number or a name). Every source yields positions `(ms, id)` in descending
 * order, so a page ends at a position and the next page starts just below it: the cursor.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { OrderStatus } from "../domain/order.ts";
import { BY_CUSTOMER, BY_STATUS, BY_TIME, orderKey } from "../store.ts";
import type { Order } from "../domain/order.ts";
import { textKey } from "./keys.ts";

/** A place in the newest-first order of orders. */
export interface Position {
  /** Creation time, epoch ms. */
  ms: number;
  /** Order id (ties broken by id). */
  id: string;
}

/** Latest time any source reads up to (exclusive): far beyond any order. */
export const END_OF_TIME = 999_999_999_999_999;

/** A time window: `from` inclusive, `until` exclusive, epoch ms. */
export interface Window {
  from: number;
  until: number;
}

/** Reads positions newest first, below `below` (exclusive) and in `window`. */
export type Source = (kv: Deno.Kv, window: Window, below: Position | null) => AsyncIterable<Position>;

/** `a` before `b` in newest-first order (a is newer). */
export function newer(a: Position, b: Position): boolean {
  return a.ms !== b.ms ? a.ms > b.ms : a.id > b.id;
}

/** The cursor of a position. */
export function encodeCursor(p: Position): string {
  return `${p.ms}.${p.id}`;
}

/** The position of a cursor ("" -> null); `invalid_argument` for anything else. */
export function decodeCursor(cursor: string): Position | null {
  if (!cursor) return null;
  const m = /^(\d{1,15})\.([\w-]{1,128})$/.exec(cursor);
  if (!m) {
    throw new DomainError(
      "invalid_argument",
      `Cursor "${cursor.slice(0, 80)}" is not valid for this search`,
      {
        field: "cursor",
      },
    );
  }
  return { ms: Number(m[1]), id: m[2]! };
}

/** A source over keys `[...prefix, ms, id]`. */
function timeKeyed(prefix: Deno.KvKey): Source {
  return async function* (kv, window, below) {
    const end = below && below.ms < window.until
      ? [...prefix, below.ms, below.id]
      : [...prefix, window.until];
    const it = kv.list<string>({ start: [...prefix, window.from], end }, { reverse: true, batchSize: 200 });
    for await (const e of it) {
      const ms = e.key[prefix.length];
      const id = e.key[prefix.length + 1];
      if (typeof ms === "number" && typeof id === "string") yield { ms, id };
    }
  };
}

const pad = (ms: number) => String(ms).padStart(15, "0");

/** Every order. */
export const allOrders: Source = timeKeyed(BY_TIME);

/** The orders in `status`. */
export function withStatus(status: OrderStatus): Source {
  return timeKeyed([...BY_STATUS, status]);
}

/** The orders whose details carry search token `token`. */
export function withToken(token: string): Source {
  return timeKeyed(textKey(token, 0, "").slice(0, -2));
}

/** The orders of customer `customerId` (their index keys are `"<ms padded>/<id>"`). */
export function ofCustomer(customerId: string): Source {
  const prefix = [...BY_CUSTOMER, customerId];
  return async function* (kv, window, below) {
    const end = below && below.ms < window.until
      ? [...prefix, `${pad(below.ms)}/${below.id}`]
      : [...prefix, pad(window.until)];
    const it = kv.list<string>({ start: [...prefix, pad(window.from)], end }, {
      reverse: true,
      batchSize: 200,
    });
    for await (const e of it) {
      const k = e.key[prefix.length];
      if (typeof k !== "string") continue;
      const at = k.indexOf("/");
      yield { ms: Number(k.slice(0, at)), id: k.slice(at + 1) };
    }
  };
}

/** One order found by a direct key (`["orders", id]`, or an index pointing at an id), if in range. */
export function single(lookup: (kv: Deno.Kv) => Promise<string | null>): Source {
  return async function* (kv, window, below) {
    const id = await lookup(kv);
    if (!id) return;
    const got = await kv.get<Order>(orderKey(id));
    if (!got.value) return;
    const p = { ms: new Date(got.value.createdAt).getTime(), id };
    if (p.ms < window.from || p.ms >= window.until) return;
    if (below && !newer(below, p)) return;
    yield p;
  };
}

/** The union of `sources`, newest first, each order once. */
export function merged(sources: readonly Source[]): Source {
  if (sources.length === 1) return sources[0]!;
  return async function* (kv, window, below) {
    const its = sources.map((s) => s(kv, window, below)[Symbol.asyncIterator]());
    const heads = await Promise.all(its.map((it) => it.next()));
    let last: Position | null = null;
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (h.done) continue;
        if (best < 0 || newer(h.value, (heads[best] as IteratorYieldResult<Position>).value)) best = i;
      }
      if (best < 0) return;
      const p = (heads[best] as IteratorYieldResult<Position>).value;
      heads[best] = await its[best]!.next();
      if (last && last.id === p.id && last.ms === p.ms) continue;
      last = p;
      yield p;
    }
  };
}
