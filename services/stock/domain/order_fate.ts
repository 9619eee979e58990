/**
 * What the sweeper does with an overdue unconfirmed reservation, given what orders said about its
 * order. A reservation lives as long as its order can still pay: it is released only when orders says
 * the order is cancelled (expired orders are cancelled too) or does not exist; when orders could not
 * be asked, or did not answer for this order, it is kept and asked about again on the next sweep.
 *
 * @module
 */

/** An order's status as orders reports it (`unknown` for a value this stock does not know). */
export type OrderState =
  | "pending"
  | "waiting_payment"
  | "paid"
  | "preparing"
  | "ready"
  | "completed"
  | "cancelled"
  | "refunded"
  | "unknown";

/** What orders said about one order. */
export type OrderAnswer = { exists: false } | { exists: true; state: OrderState };

/** The sweeper's decision about one reservation. */
export type SweepDecision =
  /** Orders has the order: it can still pay (or has paid, and `order.paid` will sell). Stop asking. */
  | { action: "confirm" }
  /** Orders could not say: keep the reservation and ask again next sweep. */
  | { action: "keep" }
  /** The order is gone: release its units. */
  | { action: "release"; because: "no_order" | "cancelled" };

/** Decides from `answer` (undefined: orders could not be asked, or gave no answer for this order). */
export function decideReservation(answer: OrderAnswer | undefined): SweepDecision {
  if (answer === undefined) return { action: "keep" };
  if (!answer.exists) return { action: "release", because: "no_order" };
  if (answer.state === "cancelled") return { action: "release", because: "cancelled" };
  return { action: "confirm" };
}
