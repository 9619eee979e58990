/**
 * Kitchen's KV layout and atomic operations.
 *
 * Layout:
 * - `["tickets", orderId]` -> {@linkcode KitchenTicket}
 * - `["tickets_by_paid", paidAtMs, orderId]` -> orderId (the whole queue, oldest payment first)
 * - `["tickets_by_status", status, paidAtMs, orderId]` -> orderId (one status, oldest payment first)
 * - `["change_feed", "tickets", atMs, uuid]` -> a change record (`common/change_feed`), one per ticket commit
 *
 * A ticket and its index entries always change in one checked `kv.atomic()`, together with the outbox
 * record of the event announcing the change.
 *
 * @module
 */
import type { HandlerContext } from "../common/bus/types.ts";
import { enqueueEvent } from "../common/bus/outbox.ts";
import { recordChange } from "../common/change_feed/record.ts";
import { RpcError } from "../common/errors.ts";
import type { EventPayload } from "../common/events.ts";
import { childOf } from "../common/trace.ts";
import {
  applyAction,
  type KitchenTicket,
  openTicket,
  type TicketAction,
  type TicketState,
} from "./domain/ticket.ts";

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

/**
 * Adds opening a ticket for a paid order to the event handler's operation. Does nothing when the order
 * already has one (however often `order.paid` arrives); the operation checks the key is still absent.
 * Returns whether a ticket was added.
 */
export async function addPaidTicket(
  ctx: Pick<HandlerContext, "kv" | "op" | "traceparent">,
  event: EventPayload<"order.paid">,
  paidAtMs: number,
  now: Date = new Date(),
): Promise<boolean> {
  const key = ticketKey(event.orderId);
  const existing = await ctx.kv.get<KitchenTicket>(key);
  if (existing.value !== null) return false;
  const ticket = openTicket({
    orderId: event.orderId,
    items: event.items,
    paidAtMs,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  }, now);
  ctx.op.check({ key, versionstamp: null })
    .set(key, ticket)
    .set(byPaidKey(ticket), ticket.orderId)
    .set(byStatusKey(ticket), ticket.orderId);
  recordChange(ctx.op, TICKET_FEED, { id: ticket.orderId, status: ticket.status });
  return true;
}

/** The ticket of `orderId`; throws `not_found` naming the order when there is none. */
export async function getTicket(kv: Deno.Kv, orderId: string): Promise<KitchenTicket> {
  const e = await kv.get<KitchenTicket>(ticketKey(orderId));
  if (e.value === null) {
    throw new RpcError("not_found", `No kitchen ticket for order ${orderId}`, { field: "order_id" });
  }
  return e.value;
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

/** Options of {@linkcode transitionTicket}. */
export interface TransitionOptions {
  /** The clock (default: now). */
  now?: () => Date;
  /** Trace context for the emitted event (default: a child of the ticket's `order.paid` trace). */
  traceparent?: string;
}

/**
 * Applies `action` to the ticket of `orderId` and, in the same checked atomic commit (retried on
 * conflict), enqueues `kitchen.ticket_started` or `kitchen.ticket_ready`. Throws `not_found` or
 * `illegal_transition`. The caller kicks the outbox relay afterwards.
 */
export async function transitionTicket(
  kv: Deno.Kv,
  orderId: string,
  action: TicketAction,
  options: TransitionOptions = {},
): Promise<KitchenTicket> {
  const now = options.now ?? (() => new Date());
  for (;;) {
    const e = await kv.get<KitchenTicket>(ticketKey(orderId));
    if (e.value === null) {
      throw new RpcError("not_found", `No kitchen ticket for order ${orderId}`, { field: "order_id" });
    }
    const at = now();
    const next = applyAction(e.value, action, at);
    const traceparent = options.traceparent ?? childOf(e.value.traceparent);
    const op = kv.atomic()
      .check(e)
      .set(ticketKey(orderId), next)
      .delete(byStatusKey(e.value))
      .set(byStatusKey(next), orderId);
    recordChange(op, TICKET_FEED, { id: orderId, status: next.status });
    if (action === "start") {
      enqueueEvent(op, "kitchen.ticket_started", { orderId, startedAt: at }, { traceparent });
    } else {
      enqueueEvent(op, "kitchen.ticket_ready", { orderId, readyAt: at }, { traceparent });
    }
    if ((await op.commit()).ok) return next;
  }
}
