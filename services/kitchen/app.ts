/**
 * Kitchen's use cases: open a ticket for a paid order, start and complete it or one station's part
 * (staff or the auto-prep timer), undo the last move within the undo window, recall a bumped ticket,
 * cancel the ticket of a refunded order, note a hand-over, read the queue and today's prep times. The only code that sequences store reads, domain rules and events. Every
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
  type KitchenTicket,
  MAX_STATION,
  openTicket,
  type OpenTicketInput,
  type TicketAction,
  type TicketState,
} from "./domain/ticket.ts";
import { advance, cancelTicket, handOver, recall, type TicketDecision, undo } from "./domain/moves.ts";
import { averages, type StationAverage } from "./domain/prep_stats.ts";
import {
  addOpen,
  addSamples,
  addUpdate,
  listTicketEntries,
  listTickets,
  readPrepSums,
  readTicket,
} from "./store.ts";

/** The default undo window: 10 seconds. */
export const DEFAULT_UNDO_MS = 10_000;
/** The most moves {@linkcode KitchenApp.moveTickets} commits at once (well within KV's limits per commit). */
export const MAX_MOVES_PER_COMMIT = 10;

/** What a move that staff overtook fails with. */
const OVERTAKEN = new Set<string>(["illegal_transition", "not_found"]);

/** The default recall window: 30 minutes. */
export const DEFAULT_RECALL_MS = 30 * 60_000;

/** What the use cases need. */
export interface KitchenDeps {
  /** Kitchen's store (reads of the queries). */
  kv: Deno.Kv;
  /** Commits ticket changes + events (over the same store). */
  uow: UnitOfWork;
  log: Logger;
  /** The clock (tests). */
  now?: () => Date;
  /** How long after a start or bump it can be undone (default {@linkcode DEFAULT_UNDO_MS}). */
  undoMs?: number;
  /** How long after a bump the ticket can be recalled (default {@linkcode DEFAULT_RECALL_MS}). */
  recallMs?: number;
}

/** Options of a ticket move. */
export interface MoveOptions {
  /** Trace context of the emitted event (default: a child of the ticket's `order.paid` trace). */
  traceparent?: string;
  /** When the move happens (default: the app's clock). */
  at?: Date;
  /** Only this station's part ("" or absent: the whole ticket). */
  station?: string;
  /** The staff member making it, from the verified staff claim ("" or absent: the kitchen itself). */
  by?: string;
}

function notFound(orderId: string): DomainError {
  return new DomainError("not_found", `No kitchen ticket for order ${orderId}`, { field: "order_id" });
}

function requireOrderId(orderId: string): void {
  if (orderId.trim() === "") {
    throw new DomainError("invalid_argument", "Order id must not be empty", { field: "order_id" });
  }
}

/** A requested station: trimmed, at most {@linkcode MAX_STATION} characters, no control characters. */
function checkStation(station: string | undefined): string {
  const s = (station ?? "").trim();
  // deno-lint-ignore no-control-regex
  if (s.length > MAX_STATION || /[\u0000-\u001f\u007f]/.test(s)) {
    throw new DomainError(
      "invalid_argument",
      `Station must be at most ${MAX_STATION} printable characters, got "${s.slice(0, 40)}"`,
      { field: "station" },
    );
  }
  return s;
}

/**
 * Adds opening a queued ticket for the paid order to `tx`, unless the order already has one (however
 * often `order.paid` arrives, or a cancelled one when its refund came first); the operation checks
 * the key is still absent. Returns whether a ticket was added.
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
 * Reads the ticket of `orderId` in `tx`, applies `decide`, and adds the moved ticket (guarded by the
 * version read), its prep-time sums and its events to `tx`. Throws `not_found` or what `decide`
 * throws. With `read` (the caller's entry of the ticket), the ticket is not read again.
 */
export async function changeTicket(
  tx: Tx,
  orderId: string,
  decide: (ticket: KitchenTicket) => TicketDecision,
  traceparent?: string,
  read?: Deno.KvEntry<KitchenTicket>,
): Promise<KitchenTicket> {
  // `read`: the ticket as the caller just read it (the commit checks its version, so a ticket that
  // moved since makes the commit fail and the unit of work run again, reading afresh)
  const entry = read ?? await readTicket(tx.kv, orderId);
  if (entry.value === null) throw notFound(orderId);
  const decision = decide(entry.value);
  addUpdate(tx.op, entry, decision.ticket);
  addSamples(tx, decision.samples);
  emitAll(tx, decision.events, traceparent ?? childOf(entry.value.traceparent));
  return decision.ticket;
}

/** Kitchen's use cases over {@linkcode KitchenDeps}. */
export class KitchenApp {
  #d: KitchenDeps;
  #now: () => Date;
  /** The undo window in milliseconds. */
  readonly undoMs: number;
  /** The recall window in milliseconds. */
  readonly recallMs: number;

  /** Creates the use cases over `deps`. */
  constructor(deps: KitchenDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.undoMs = deps.undoMs ?? DEFAULT_UNDO_MS;
    this.recallMs = deps.recallMs ?? DEFAULT_RECALL_MS;
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

  /** Moves the ticket of `orderId` (or one station's part) queued -> preparing. */
  startTicket(orderId: string, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.moveTicket(orderId, "start", opts);
  }

  /** Moves the ticket of `orderId` (or one station's part) preparing -> ready. */
  completeTicket(orderId: string, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.moveTicket(orderId, "complete", opts);
  }

  /**
   * Applies `action` to the ticket of `orderId` (or one station's part) as one unit of work (ticket,
   * index, prep sums and event in one commit, re-run on conflict). Throws `invalid_argument`,
   * `not_found` or `illegal_transition`.
   */
  moveTicket(orderId: string, action: TicketAction, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.#run(
      orderId,
      action === "start" ? "startTicket" : "completeTicket",
      opts,
      (t, at, move) => advance(t, action, at, move),
    );
  }

  /**
   * Applies each of `moves` (a whole-ticket start or complete, on the ticket as the caller read it) in
   * one unit of work: one commit for all of them (each ticket guarded by the version read, with its
   * index, prep sums and event, as {@linkcode moveTicket} commits one). A ticket the move no longer fits
   * (`illegal_transition`, `not_found`: staff moved it meanwhile) is left out; on a conflict the work
   * runs again on fresh reads. At most {@linkcode MAX_MOVES_PER_COMMIT} moves; returns the moved tickets.
   */
  moveTickets(
    moves: readonly { entry: Deno.KvEntry<KitchenTicket>; action: TicketAction }[],
    opts: { at?: Date } = {},
  ): Promise<KitchenTicket[]> {
    if (moves.length > MAX_MOVES_PER_COMMIT) {
      throw new RangeError(`At most ${MAX_MOVES_PER_COMMIT} moves per commit, got ${moves.length}`);
    }
    const at = opts.at ?? this.#now();
    const move = { station: "", by: "" };
    let attempt = 0;
    return this.#d.uow.run(async (tx) => {
      const first = attempt++ === 0; // a re-run reads every ticket afresh
      const moved: KitchenTicket[] = [];
      for (const { entry, action } of moves) {
        try {
          const decide = (t: KitchenTicket) => advance(t, action, at, move);
          moved.push(
            await changeTicket(tx, entry.value.orderId, decide, undefined, first ? entry : undefined),
          );
        } catch (err) {
          if (err instanceof DomainError && OVERTAKEN.has(err.code)) continue;
          throw err;
        }
      }
      return moved;
    }, "moveTickets");
  }

  /** The tickets in `status` with their versions, oldest payment first (see `listTicketEntries`). */
  listTicketEntries(
    status: TicketState,
    known?: ReadonlyMap<string, Deno.KvEntry<KitchenTicket>>,
  ): Promise<Deno.KvEntry<KitchenTicket>[]> {
    return listTicketEntries(this.#d.kv, status, known);
  }

  /**
   * Undoes the last start or bump of the ticket of `orderId` (or of one station's part) within the undo
   * window, announced by `kitchen.ticket_reopened` when the ticket's status goes back. Throws
   * `window_expired` after the window.
   */
  undoTicket(orderId: string, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.#run(orderId, "undoTicket", opts, (t, at, move) => undo(t, at, this.undoMs, move));
  }

  /**
   * Brings the bumped ticket of `orderId` (or one station's part) back to preparing, within the recall
   * window and before the hand-over, announced by `kitchen.ticket_reopened`.
   */
  recallTicket(orderId: string, opts: MoveOptions = {}): Promise<KitchenTicket> {
    return this.#run(orderId, "recallTicket", opts, (t, at, move) => recall(t, at, this.recallMs, move));
  }

  async #run(
    orderId: string,
    useCase: string,
    opts: MoveOptions,
    decide: (t: KitchenTicket, at: Date, move: { station: string; by: string }) => TicketDecision,
  ): Promise<KitchenTicket> {
    requireOrderId(orderId);
    const move = { station: checkStation(opts.station), by: opts.by ?? "" };
    return await this.#d.uow.run(
      (tx) => changeTicket(tx, orderId, (t) => decide(t, opts.at ?? this.#now(), move), opts.traceparent),
      useCase,
    );
  }

  /** Average prep time per station of the parts bumped from `since` (default: 24 hours ago) to now. */
  async stats(since?: Date): Promise<StationAverage[]> {
    const now = this.#now().getTime();
    const sinceMs = since && !Number.isNaN(since.getTime()) ? since.getTime() : now - 24 * 3_600_000;
    if (sinceMs > now || now - sinceMs > 31 * 24 * 3_600_000) {
      throw new DomainError(
        "invalid_argument",
        `Since must be within the last 31 days, got ${new Date(sinceMs).toISOString()}`,
        {
          field: "since",
        },
      );
    }
    return averages(await readPrepSums(this.#d.kv, sinceMs, now));
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

  /**
   * `order.refunded` (the whole order): cancels its ticket in the consumer's `tx`, once however often
   * the event arrives; with no ticket yet, stores a cancelled one so a late `order.paid` opens none.
   * Returns whether anything changed.
   */
  async orderRefunded(tx: Tx, event: EventPayload<"order.refunded">): Promise<boolean> {
    const at = event.refundedAt && !Number.isNaN(event.refundedAt.getTime()) ? event.refundedAt : this.#now();
    const entry = await readTicket(tx.kv, event.orderId);
    if (entry.value === null) {
      const tombstone = cancelTicket(
        openTicket({ orderId: event.orderId, items: [], paidAtMs: at.getTime() }, at),
        at,
      )!;
      addOpen(tx.op, tombstone);
      return true;
    }
    const next = cancelTicket(entry.value, at);
    if (!next) return false;
    addUpdate(tx.op, entry, next);
    return true;
  }

  /** `order.completed` (handed over): notes it on the ticket, which ends its undo and recall. */
  async orderCompleted(tx: Tx, event: EventPayload<"order.completed">): Promise<boolean> {
    const at = event.completedAt && !Number.isNaN(event.completedAt.getTime())
      ? event.completedAt
      : this.#now();
    const entry = await readTicket(tx.kv, event.orderId);
    if (entry.value === null) return false;
    const next = handOver(entry.value, at);
    if (!next) return false;
    addUpdate(tx.op, entry, next);
    return true;
  }
}
