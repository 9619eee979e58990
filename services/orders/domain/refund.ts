/**
 * Partial and full refunds of an order, in two steps around the provider call (pure, no I/O):
 *
 * 1. {@linkcode requestRefund}: staff ask for an amount (unset: the rest) with a reason. Allowed while
 *    the order could become refunded (paid, preparing, ready, completed: see `transition.ts`), one at a
 *    time, validated (positive, at most total − refunds already asked for, same currency). The refund
 *    is recorded in flight (no provider refund id yet) before any money moves, so what may still be
 *    refunded already counts it.
 * 2. {@linkcode confirmRefund}: payments confirmed it (the `RefundOrder` answer, or `payment.refunded`
 *    with its `request_id`, whichever comes first; the other is ignored). The timeline gets an entry
 *    with the staff member as actor; when the confirmed refunds reach the total, the order becomes
 *    `refunded`, announced by `order.refunded` with the reason (the kitchen cancels its ticket).
 *
 * {@linkcode dropRefund} forgets a refund the provider call failed for (nothing was refunded).
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import type { Money } from "../../common/gen/oms/types/v1/types.ts";
import type { Decision } from "./lifecycle.ts";
import type { Order, OrderRefund } from "./order.ts";
import { refundableAmount, refundedAmount } from "./payment_state.ts";
import { canTransition, describeStatus, entryOf, transition, type TransitionCause } from "./transition.ts";

/** The longest refund reason, in characters. */
export const MAX_REFUND_REASON = 200;

/** At most this many refunds per order. */
export const MAX_REFUNDS = 20;

/** The reason, trimmed; `invalid_argument` on field `reason` when empty or too long. */
export function validateRefundReason(reason: string): string {
  const trimmed = reason.trim();
  const length = [...trimmed].length;
  if (length === 0 || length > MAX_REFUND_REASON) {
    throw new DomainError(
      "invalid_argument",
      length === 0
        ? "A refund needs a reason (1 to 200 characters)"
        : `Reason must be at most ${MAX_REFUND_REASON} characters, got ${length}`,
      { field: "reason" },
    );
  }
  return trimmed;
}

const REFUND_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The caller's refund id, checked (`invalid_argument` on field `refund_id`). */
export function validateRefundId(id: string): string {
  if (!REFUND_ID.test(id)) {
    throw new DomainError(
      "invalid_argument",
      `Refund id must be 1 to 64 of A-Z, a-z, 0-9, "_" and "-", got "${id.slice(0, 80)}"`,
      { field: "refund_id" },
    );
  }
  return id;
}

/** What {@linkcode sameRefund} found about a refund id that came before. */
export type KnownRefund =
  /** Confirmed: answer the order, refund nothing more. */
  | { done: OrderRefund; resume?: undefined }
  /** In flight for longer than the caller's patience (its first call died): ask payments again. */
  | { resume: OrderRefund; done?: undefined };

/**
 * The refund `id` of `order` when a call with that id came before: confirmed, `done` (a retry: nothing
 * more to do); in flight since before `staleBefore` (the first call died between recording it and
 * payments' answer), `resume` (payments is asked again with the same id, which refunds at most once);
 * in flight since then, `illegal_transition` (the first call is still running); with another amount
 * than `amount`, `idempotency_key_reused`. Undefined for an id the order does not know.
 */
export function sameRefund(
  order: Order,
  id: string,
  amount: Money | undefined,
  staleBefore: Date = new Date(0),
): KnownRefund | undefined {
  const known = (order.refunds ?? []).find((r) => r.id === id);
  if (!known) return undefined;
  if (amount && amount.amount !== known.amount.amount) {
    throw new DomainError(
      "idempotency_key_reused",
      `Refund id "${id}" was used for ${formatAmount(known.amount)}, not ${
        formatAmount(amount)
      }; send a new id`,
      { field: "refund_id" },
    );
  }
  if (known.providerRefundId) return { done: known };
  if (known.at < staleBefore) return { resume: known };
  throw new DomainError(
    "illegal_transition",
    `Refund ${id} of order ${order.id} is still in progress; look at the order again in a moment`,
  );
}

/** Money in words for the timeline, e.g. `€5.00` (the currency's own minor units). */
export function formatAmount(m: Money): string {
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency: m.currency })
      .resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat("en", { style: "currency", currency: m.currency })
      .format(m.amount / 10 ** digits);
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

/** What staff ask for. */
export interface RefundAsk {
  /** Orders' id of the refund (also the provider idempotency key). */
  id: string;
  /** Unset: everything not refunded (or asked for) yet. */
  amount?: Money;
  /** Why (validated by {@linkcode validateRefundReason}). */
  reason: string;
  /** The staff member (verified claim's name). */
  by: string;
  /** When. */
  at: Date;
}

/**
 * Records the refund `ask` in flight on `order` and returns the order and the refund; throws
 * `illegal_transition` when the order cannot be refunded now (not paid yet, cancelled, refunded, or a
 * refund in flight) and `invalid_argument` (field `amount.amount` or `amount.currency`) for an amount
 * that is not a positive whole number of minor units, exceeds what is left, or is in another currency.
 */
export function requestRefund(order: Order, ask: RefundAsk): { order: Order; refund: OrderRefund } {
  const reason = validateRefundReason(ask.reason);
  if (!canTransition(order.status, "refunded")) {
    throw new DomainError(
      "illegal_transition",
      `Order ${order.id} is ${
        describeStatus(order.status)
      }; only paid, preparing, ready or completed orders can be refunded`,
    );
  }
  const refunds = order.refunds ?? [];
  const inFlight = refunds.find((r) => r.providerRefundId === "");
  if (inFlight) {
    throw new DomainError(
      "illegal_transition",
      `Order ${order.id} has a refund in flight (${
        formatAmount(inFlight.amount)
      }); wait for it to finish before asking for another`,
    );
  }
  if (refunds.length >= MAX_REFUNDS) {
    throw new DomainError(
      "illegal_transition",
      `Order ${order.id} has had ${refunds.length} refunds, the most`,
    );
  }
  const left = refundableAmount(order);
  const currency = order.total.currency;
  const amount = ask.amount ?? { amount: left, currency };
  if (amount.currency.toUpperCase() !== currency.toUpperCase()) {
    throw new DomainError(
      "invalid_argument",
      `Refund currency must be the order's "${currency}", got "${amount.currency}"`,
      { field: "amount.currency" },
    );
  }
  if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0 || amount.amount > left) {
    throw new DomainError(
      "invalid_argument",
      left === 0
        ? `Order ${order.id} has nothing left to refund`
        : `Refund amount must be a whole number of minor units from 1 to ${left} (what is left of the ${
          formatAmount(order.total)
        } paid), got ${amount.amount}`,
      { field: "amount.amount" },
    );
  }
  const refund: OrderRefund = {
    id: ask.id,
    amount: { amount: amount.amount, currency },
    reason,
    by: ask.by,
    at: ask.at,
    providerRefundId: "",
  };
  return { order: { ...order, refunds: [...refunds, refund], updatedAt: ask.at }, refund };
}

/** What payments said about a refund. */
export interface RefundConfirmation {
  /** Orders' id of the refund (`request_id`). */
  requestId: string;
  /** The provider's refund id. */
  providerRefundId: string;
  /** How much, for a refund this order did not ask for itself (it is then recorded from the event). */
  amount?: Money;
  /** True when payments says its payment is now refunded in full. */
  full?: boolean;
}

/**
 * Records that the provider refunded `c.requestId` (`by`: the confirmation's cause, time and trace; the
 * actor is the staff member who asked). A refund already confirmed is ignored (the other path of the
 * confirmation, or a redelivery). When the confirmed refunds reach the total (or payments says the
 * payment is refunded in full), the order becomes `refunded` with `order.refunded`; otherwise the
 * status stays and the timeline notes the partial refund.
 */
export function confirmRefund(order: Order, c: RefundConfirmation, by: TransitionCause): Decision {
  const refunds = order.refunds ?? [];
  let refund = refunds.find((r) => r.id === c.requestId);
  if (refund?.providerRefundId) return { ignored: `Refund ${c.requestId} of order ${order.id} is recorded` };
  if (!refund) {
    // payments refunded a request this order no longer holds (its call failed after the provider
    // refunded): record the money that moved
    if (!c.amount) throw new DomainError("not_found", `Order ${order.id} has no refund ${c.requestId}`);
    refund = {
      id: c.requestId,
      amount: c.amount,
      reason: "",
      by: "",
      at: by.at,
      providerRefundId: "",
    };
  }
  const confirmed: OrderRefund = { ...refund, providerRefundId: c.providerRefundId };
  const others = refunds.filter((r) => r.id !== c.requestId);
  const next: Order = { ...order, refunds: [...others, confirmed].sort(byTime), updatedAt: by.at };
  const cause: TransitionCause = {
    ...by,
    cause: `${formatAmount(confirmed.amount)} refunded${confirmed.reason ? `: ${confirmed.reason}` : ""}`,
    ...(confirmed.by ? { actor: confirmed.by } : {}),
  };
  const full = c.full === true || refundedAmount(next).amount >= order.total.amount;
  if (full && canTransition(order.status, "refunded")) {
    const moved = transition(next, "refunded", cause);
    if (moved.order) {
      return {
        order: moved.order,
        events: [{
          key: "order.refunded",
          payload: {
            orderId: order.id,
            refundedAt: by.at,
            ...(confirmed.reason ? { reason: confirmed.reason } : {}),
          },
        }],
      };
    }
  }
  return { order: { ...next, timeline: [...next.timeline, entryOf(order.status, cause)] }, events: [] };
}

/** Forgets the in-flight refund `id` (its provider call failed); a confirmed one stays (ignored). */
export function dropRefund(order: Order, id: string): Decision {
  const refund = (order.refunds ?? []).find((r) => r.id === id);
  if (!refund || refund.providerRefundId) return { ignored: `Refund ${id} of order ${order.id} stays` };
  return { order: { ...order, refunds: (order.refunds ?? []).filter((r) => r.id !== id) }, events: [] };
}

function byTime(a: OrderRefund, b: OrderRefund): number {
  return a.at.getTime() - b.at.getTime();
}
