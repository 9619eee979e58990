/**
 * Orders' event handlers: payments and kitchen facts move orders through the state machine. Each handler
 * reads with `ctx.kv`, adds the versionstamp check, the update and any outbox event to `ctx.op`, and
 * returns; the consumer commits that with the inbox mark, then acks. A repeated or late event changes
 * nothing. An event about an order we do not know, or one that cannot apply to the order's status, is
 * parked at once ({@linkcode MalformedEventError}); a `kitchen.ticket_ready` that overtook
 * `kitchen.ticket_started` is retried later.
 *
 * Paid after cancel: a payment can succeed for an order already cancelled (the customer paid in a
 * checkout that was still open, e.g. at Stripe, while the order was cancelled or expired). Payments
 * refunds such a payment itself, because it also hears `order.cancelled`, and then announces
 * `payment.refunded`. Orders only records both facts as timeline notes on the cancelled order
 * ({@linkcode PAID_AFTER_CANCEL}, {@linkcode REFUNDED_AFTER_CANCEL}); the status stays cancelled and
 * nothing is parked.
 *
 * @module
 */
import { MalformedEventError } from "../common/events.ts";
import { RpcError } from "../common/errors.ts";
import type { Logger } from "../common/log.ts";
import { traceIdOf } from "../common/trace.ts";
import type { EventHandlers, HandlerContext } from "../common/bus/types.ts";
import type { Order, OrderStatus } from "./domain/order.ts";
import { note, PAID_AFTER_CANCEL, REFUNDED_AFTER_CANCEL } from "./domain/note.ts";
import { transition, type TransitionChanges } from "./domain/transition.ts";
import { addUpdate, getOrder } from "./store.ts";
import { enqueueEvent } from "../common/bus/outbox.ts";

/** What the handlers need. */
export interface EventDeps {
  log: Logger;
  /** The clock (tests). */
  now?: () => Date;
}

/** Thrown when an event arrived before the one it depends on; the consumer retries it later. */
export class EventTooEarlyError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "EventTooEarlyError";
  }
}

interface Move {
  to: OrderStatus;
  changes?: TransitionChanges;
  /** Enqueues the event that announces the new state, in the same operation. */
  announce?: (op: Deno.AtomicOperation, order: Order) => void;
  /** Called before the transition with the current order; may throw to retry or park. */
  guard?: (order: Order) => void;
  /** The cause of a timeline note to record instead of the transition, when the order is cancelled. */
  noteWhenCancelled?: string;
}

/** The handlers by routing key. */
export function orderEventHandlers(deps: EventDeps): EventHandlers {
  const now = deps.now ?? (() => new Date());

  async function apply(orderId: string, ctx: HandlerContext, move: Move): Promise<void> {
    const entry = await getOrder(ctx.kv, orderId);
    if (!entry) throw new MalformedEventError(`Unknown order "${orderId}"`);
    move.guard?.(entry.order);
    const by = { cause: ctx.routingKey, at: now(), traceId: traceIdOf(ctx.traceparent) };
    if (move.noteWhenCancelled && entry.order.status === "cancelled") {
      const noted = note(entry.order, { ...by, cause: move.noteWhenCancelled });
      if (noted.order) {
        addUpdate(ctx.op, entry, noted.order);
        deps.log.warn("order noted", { orderId, cause: move.noteWhenCancelled, routingKey: ctx.routingKey });
      }
      return;
    }
    let result;
    try {
      result = transition(entry.order, move.to, by, move.changes);
    } catch (err) {
      if (err instanceof RpcError) {
        throw new MalformedEventError(`${ctx.routingKey} cannot apply: ${err.message}`);
      }
      throw err;
    }
    if (!result.order) {
      deps.log.info("event ignored", {
        orderId,
        routingKey: ctx.routingKey,
        messageId: ctx.messageId,
        reason: result.ignored,
      });
      return;
    }
    addUpdate(ctx.op, entry, result.order);
    move.announce?.(ctx.op, result.order);
    deps.log.info("order moved", {
      orderId,
      from: entry.order.status,
      to: result.order.status,
      routingKey: ctx.routingKey,
      traceId: traceIdOf(ctx.traceparent),
    });
  }

  return {
    "payment.link_created": (e, ctx) =>
      apply(e.orderId, ctx, { to: "waiting_payment", changes: e.url ? { paymentLink: e.url } : {} }),
    "payment.succeeded": (e, ctx) =>
      apply(e.orderId, ctx, {
        to: "paid",
        noteWhenCancelled: PAID_AFTER_CANCEL,
        announce: (op, o) =>
          enqueueEvent(op, "order.paid", {
            orderId: o.id,
            customerId: o.customerId,
            items: o.items,
            paidAt: e.paidAt ?? o.updatedAt,
          }, { traceparent: ctx.traceparent }),
      }),
    "payment.failed": (e, ctx) =>
      apply(e.orderId, ctx, {
        to: "cancelled",
        announce: (op, o) =>
          enqueueEvent(op, "order.cancelled", {
            orderId: o.id,
            reason: e.reason ? `Payment failed: ${e.reason}` : "Payment failed",
            cancelledAt: o.updatedAt,
          }, { traceparent: ctx.traceparent }),
      }),
    "payment.expired": (e, ctx) =>
      apply(e.orderId, ctx, {
        to: "cancelled",
        announce: (op, o) =>
          enqueueEvent(op, "order.cancelled", {
            orderId: o.id,
            reason: "Payment expired",
            cancelledAt: o.updatedAt,
          }, { traceparent: ctx.traceparent }),
      }),
    // A refund of a cancelled order's late payment is noted; one of a paid order (the admin refund
    // path, which also records it itself) moves it to refunded if that has not happened yet.
    "payment.refunded": (e, ctx) =>
      apply(e.orderId, ctx, {
        to: "refunded",
        noteWhenCancelled: REFUNDED_AFTER_CANCEL,
        announce: (op, o) =>
          enqueueEvent(op, "order.refunded", { orderId: o.id, refundedAt: o.updatedAt }, {
            traceparent: ctx.traceparent,
          }),
      }),
    "kitchen.ticket_started": (e, ctx) => apply(e.orderId, ctx, { to: "preparing" }),
    "kitchen.ticket_ready": (e, ctx) =>
      apply(e.orderId, ctx, {
        to: "ready",
        guard: (o) => {
          if (o.status === "paid") {
            throw new EventTooEarlyError(
              `Order ${o.id} is paid; kitchen.ticket_ready waits for kitchen.ticket_started`,
            );
          }
        },
      }),
  };
}
