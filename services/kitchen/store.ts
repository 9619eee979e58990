/**
 * Kitchen's KV layout.
 *
 * Layout:
 * - `["tickets", orderId]` -> {@linkcode KitchenTicket}
 * - `["tickets_by_paid", paidAtMs, orderId]` -> orderId (the whole queue, oldest payment first)
 * - `["tickets_by_status", status, paidAtMs, orderId]` -> orderId (one status, oldest payment first)
 * - `["change_feed", "tickets", atMs, uuid]` -> a change record (`common/change_feed`), one per ticket commit
 * - `["prep_stats", bucketMs, station]` -> {@linkcode PrepSums} (quarter-hour running sums of prep times,
 *   written in the commit of the move that adds or takes back a sample)
 *
 * Persistence only: keys, reads, and the checks and mutations a use case adds to its operation
 * (`app.ts` sequences them in the unit of work, which commits a ticket and its index entries together
 * with the outbox record of the event announcing the change). It never commits.
 *
 * @module
 */
import { recordChange } from "../common/change_feed/record.ts";
import type { KitchenTicket, TicketState } from "./domain/ticket.ts";
import type { PrepSample } from "./domain/moves.ts";
import { bucketOf, signed, u64 } from "../common/running_sums.ts";
import { type PrepSums, sumSamples } from "./domain/prep_stats.ts";
import type { Tx } from "../common/unit_of_work.ts";

/** The change feed every ticket commit records into (`WatchTickets` reads it). */
export const TICKET_FEED = "tickets";

/** KV key of the ticket of `orderId`. */
export function ticketKey(orderId: string): Deno.KvKey {
  return ["tickets", orderId];
}

/** KV key of the payment-time index entry of a ticket. */
export function byPaidKey(t: Pick<KitchenTicket, "paidAtMs" | "orderId">): Deno.KvKey {
  return ["tickets_by_paid", t.paidAtMs, t.orderId];
}

/** KV key of the status index entry of a ticket. */
export function byStatusKey(t: Pick<KitchenTicket, "status" | "paidAtMs" | "orderId">): Deno.KvKey {
  return ["tickets_by_status", t.status, t.paidAtMs, t.orderId];
}

/** `kv.getMany` reads at most 10 keys at a time. */
const GET_MANY_LIMIT = 10;

/** The ticket entry of `orderId` (its value is null when there is none). */
export async function readTicket(kv: Deno.Kv, orderId: string): Promise<Deno.KvEntryMaybe<KitchenTicket>> {
  return await kv.get<KitchenTicket>(ticketKey(orderId));
}

/**
 * Tickets oldest payment first, all of them or only those in `status`, read through the index
 * (no sorting of the whole table).
 */
export async function listTickets(kv: Deno.Kv, status?: TicketState): Promise<KitchenTicket[]> {
  const prefix: Deno.KvKey = status ? ["tickets_by_status", status] : ["tickets_by_paid"];
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix })) ids.push(e.value);
  const tickets: KitchenTicket[] = [];
  for (let i = 0; i < ids.length; i += GET_MANY_LIMIT) {
    const entries = await kv.getMany<KitchenTicket[]>(ids.slice(i, i + GET_MANY_LIMIT).map(ticketKey));
    for (const e of entries) {
      // an index entry whose ticket moved between the list and the read is skipped
      if (e.value !== null && (!status || e.value.status === status)) tickets.push(e.value);
    }
  }
  return tickets;
}

/**
 * The ticket entries in `status`, oldest payment first, read through the status index. A ticket whose
 * entry in `known` has the versionstamp of its index entry is taken from `known` without reading it:
 * a ticket and its status index entry are only ever written in the same commit ({@linkcode addOpen},
 * {@linkcode addUpdate}), so the same versionstamp means the same ticket. Every other ticket is read
 * (`getMany`, 10 at a time); `known` is left as it was (the caller keeps what it wants).
 */
export async function listTicketEntries(
  kv: Deno.Kv,
  status: TicketState,
  known: ReadonlyMap<string, Deno.KvEntry<KitchenTicket>> = new Map(),
): Promise<Deno.KvEntry<KitchenTicket>[]> {
  const slots: (Deno.KvEntry<KitchenTicket> | string)[] = [];
  const unknown: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["tickets_by_status", status] })) {
    const cached = known.get(e.value);
    if (cached && cached.versionstamp === e.versionstamp) slots.push(cached);
    else {
      slots.push(e.value);
      unknown.push(e.value);
    }
  }
  const read = new Map<string, Deno.KvEntryMaybe<KitchenTicket>>();
  for (let i = 0; i < unknown.length; i += GET_MANY_LIMIT) {
    const entries = await kv.getMany<KitchenTicket[]>(unknown.slice(i, i + GET_MANY_LIMIT).map(ticketKey));
    for (const e of entries) read.set(e.key[1] as string, e);
  }
  const out: Deno.KvEntry<KitchenTicket>[] = [];
  for (const slot of slots) {
    const entry = typeof slot === "string" ? read.get(slot) : slot;
    // an index entry whose ticket moved between the list and the read is skipped
    if (entry?.value != null && entry.value.status === status) out.push(entry as Deno.KvEntry<KitchenTicket>);
  }
  return out;
}

/**
 * Adds storing new `ticket` with its index entries to `op`, checked that the order has no ticket yet,
 * and its change record (`WatchTickets` reads it; watchers are woken once `op` commits).
 */
export function addOpen(op: Deno.AtomicOperation, ticket: KitchenTicket): void {
  op.check({ key: ticketKey(ticket.orderId), versionstamp: null })
    .set(ticketKey(ticket.orderId), ticket)
    .set(byPaidKey(ticket), ticket.orderId)
    .set(byStatusKey(ticket), ticket.orderId);
  recordChange(op, TICKET_FEED, { id: ticket.orderId, status: ticket.status, entity: ticket });
}

/**
 * Adds replacing the ticket read as `entry` by `next` to `op`: checked against the version read, its
 * status index entry moved.
 */
export function addUpdate(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<KitchenTicket>,
  next: KitchenTicket,
): void {
  op.check(entry)
    .set(ticketKey(next.orderId), next)
    .delete(byStatusKey(entry.value))
    .set(byStatusKey(next), next.orderId);
  recordChange(op, TICKET_FEED, { id: next.orderId, status: next.status, entity: next });
}

/** KV key of one of a station's prep-time sums (`count` or `totalMs`) in the quarter hour at `bucketMs`. */
export function prepStatsKey(bucketMs: number, station: string, field: keyof PrepSums): Deno.KvKey {
  return ["prep_stats", bucketMs, station, field];
}

/**
 * Adds `samples` to the running sums in `tx` with KV `sum` mutations: no read, so concurrent bumps of
 * one station never conflict (an undo's negative sample subtracts).
 */
export function addSamples(tx: Tx, samples: readonly PrepSample[]): void {
  for (const { bucket, station, delta } of sumSamples(samples).values()) {
    tx.op.sum(prepStatsKey(bucket, station, "count"), u64(delta.count))
      .sum(prepStatsKey(bucket, station, "totalMs"), u64(delta.totalMs));
  }
}

/** The bucket sums of every station from the bucket holding `sinceMs` up to `untilMs` (a bounded range). */
export async function readPrepSums(
  kv: Deno.Kv,
  sinceMs: number,
  untilMs: number,
): Promise<{ station: string; sums: PrepSums }[]> {
  const rows = new Map<string, { station: string; sums: PrepSums }>();
  const iter = kv.list<Deno.KvU64>({
    start: ["prep_stats", bucketOf(sinceMs)],
    end: ["prep_stats", bucketOf(untilMs) + 1],
  });
  for await (const e of iter) {
    const [, bucket, station, field] = e.key;
    if (field !== "count" && field !== "totalMs") continue;
    const at = `${String(bucket)}|${String(station)}`;
    const row = rows.get(at) ?? { station: String(station), sums: { count: 0, totalMs: 0 } };
    row.sums[field] = signed(e.value);
    rows.set(at, row);
  }
  return [...rows.values()];
}
