/**
 * Kitchen's use cases: open a ticket for a paid order, start and complete it (staff or the auto-prep
 * timer), read the queue. The only code that sequences store reads, domain rules and events. Every
 * ticket change runs in a unit-of-work transaction ({@linkcode Tx}): the commands through
 * {@linkcode UnitOfWork.run} (re-run on a conflict), the followed event in the consumer's operation
 * (the adapter passes `consumerTx(ctx)`), so a ticket, its index entries and the outbox record of the
 * event announcing the change commit together.
 *
 * Ticket commits happen in exactly two functions: {@linkcode openPaidTicket} (a new ticket) and
 * {@linkcode changeTicket} (a move); both add to `tx.op` and may register `tx.afterCommit`.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import { emitAll } from "../common/domain_event.ts";
import type { EventPayload } from "../common/events.ts";
import type { Logger } from "../common/log.ts";
import { childOf } from "../common/trace.ts";
import type { Tx, UnitOfWork } from "../common/unit_of_work.ts";
import {
  advance,
  type KitchenTicket,
  openTicket,
  type OpenTicketInput,
  type TicketAction,
  type TicketState,
} from "./domain/ticket.ts";
import { addOpen, addUpdate, listTickets, readTicket } from "./store.ts";

/** What the use cases need. */
export interface KitchenDeps {
  /** Kitchen's store (reads of the queries). */
  kv: Deno.Kv;
  /** Commits ticket changes + events (over the same store). */
  uow: UnitOfWork;
  log: Logger;
  /** The clock (tests). */
  now?: () => Date;
}

/** Options of a ticket move. */
export interface MoveOptions {
  /** Trace context of the emitted event (default: a child of the ticket's `order.paid` trace). */
  traceparent?: string;
  /** When the move happens (default: the app's clock). */
  at?: Date;
}

function notFound(orderId: string): DomainError {
  return new DomainError("not_found", `No kitchen ticket for order ${orderId}`, { field: "order_id" });
}

function requireOrderId(orderId: string): void {
  if (orderId.trim() === "") {
    throw new DomainError("invalid_argument", "Order id must not be empty", { field: "order_id" });
  }
}

/**
 * Adds opening a queued ticket for the paid order to `tx`, unless the order already has one (however
 * often `order.paid` arrives); the operation checks the key is still absent. Returns whether a ticket
 * was added.
 */
export async function openPaidTicket(
  tx: Tx,
  input: OpenTicketInput,
  now: Date,
): Promise<boolean> {
  const existing = await readTicket(tx.kv, input.orderId);
  if (existing.value !== null) return false;
  addOpen(tx.op, openTicket(input, now));
  return true;
}

/**
 * Reads the ticket of `orderId` in `tx`, applies `action` at `at`, and adds the moved ticket (guarded
 * by the version read) and its event to `tx`. Throws `not_found` or `illegal_transition`.
 */
export async function changeTicket(
  tx: Tx,
  orderId: string,
  action: TicketAction,
  at: Date,
  traceparent?: string,
): Promise<KitchenTicket> {
  const entry = await readTicket(tx.kv, orderId);
  if (entry.value === null) throw notFound(orderId);
  const decision = advance(entry.value, action, at);
  addUpdate(tx.op, entry, decision.ticket);
  emitAll(tx, decision.events, traceparent ?? childOf(entry.value.traceparent));
  return decision.ticket;
}

/** Kitchen's use cases over {@linkcode KitchenDeps}. */
export class KitchenApp {
  #d: KitchenDeps;
  #now: () => Date;

  /** Creates the use cases over `deps`. */
  constructor(deps: KitchenDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** The ticket of `orderId`; throws `invalid_argument` for an empty id, `not_found` without one. */
  async getTicket(orderId: string): Promise<KitchenTicket> {
    requireOrderId(orderId);
    const e = await readTicket(this.#d.kv, orderId);
    if (e.value === null) throw notFound(orderId);
    return e.value;
  }

  /** Tickets oldest payment first, all or only those in `status`. */
  listTickets(status?: TicketState): Promise<KitchenTicket[]> {
    return listTickets(this.#d.kv, status);
  }

  /** Moves the ticket of `orderId` queued -> preparing, announced by `kitchen.ticket_started`. */
  startTicket(orderId: string, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.moveTicket(orderId, "start", opts);
  }

  /** Moves the ticket of `orderId` preparing -> ready, announced by `kitchen.ticket_ready`. */
  completeTicket(orderId: string, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.moveTicket(orderId, "complete", opts);
  }

  /**
   * Applies `action` to the ticket of `orderId` as one unit of work (ticket, index and event in one
   * commit, re-run on conflict). Throws `invalid_argument`, `not_found` or `illegal_transition`.
   */
  async moveTicket(orderId: string, action: TicketAction, opts: MoveOptions = {}): Promise<KitchenTicket> {
    requireOrderId(orderId);
    return await this.#d.uow.run(
      (tx) => changeTicket(tx, orderId, action, opts.at ?? this.#now(), opts.traceparent),
      action === "start" ? "startTicket" : "completeTicket",
    );
  }

  /**
   * `order.paid`: opens one queued ticket for the order in the consumer's `tx`, queued by payment time
   * (by arrival time when the event has no `paidAt`). Returns whether a ticket was opened.
   */
  orderPaid(tx: Tx, event: EventPayload<"order.paid">, traceparent?: string): Promise<boolean> {
    const now = this.#now();
    let paidAtMs = event.paidAt?.getTime();
    if (paidAtMs === undefined || Number.isNaN(paidAtMs)) {
      this.#d.log.warn("order.paid has no paidAt, queueing by arrival time", { orderId: event.orderId });
      paidAtMs = now.getTime();
    }
    return openPaidTicket(tx, {
      orderId: event.orderId,
      items: event.items,
      paidAtMs,
      ...(traceparent ? { traceparent } : {}),
      orderNumber: event.number,
      details: event.details,
    }, now);
  }
}
