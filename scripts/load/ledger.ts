/**
 * Every order a run created, what the shopper meant to do with it, and which states count as "where
 * it should be" for that intent.
 *
 * @module
 */
import type { Intent } from "./stats.ts";

/**
 * An intent, or `either` when a pay or cancel call failed and the outcome is not known, or
 * `pay-or-declined` for a payment made while `--chaos` may have the provider decline it on purpose.
 */
export type Expectation = Intent | "either" | "pay-or-declined";

/** The states a paid order may be in (the kitchen moves it on by itself). */
export const PAID_STATES: readonly string[] = ["paid", "preparing", "ready", "completed"];

/** A payment under `--chaos`: paid, or cancelled because the failure flag declined it. */
export const PAID_OR_DECLINED: readonly string[] = [...PAID_STATES, "cancelled"];

/** States that mean "not decided yet": an order left in one of these is stuck. */
export const OPEN_STATES: readonly string[] = ["pending", "waiting_payment"];

/** The states an order may end in given what the shopper did. */
export function expectedStates(expectation: Expectation): readonly string[] {
  switch (expectation) {
    case "pay":
      return PAID_STATES;
    case "cancel":
    case "decline":
    case "expire":
      return ["cancelled"];
    case "either":
      return [...PAID_STATES, "cancelled", "refunded"];
    case "pay-or-declined":
      return PAID_OR_DECLINED;
  }
}

/** One order the run created. */
export interface TrackedOrder {
  /** Order id. */
  id: string;
  /** Its customer (one per shopper). */
  customerId: string;
  /** What the shopper did, or meant to do, with it. */
  expectation: Expectation;
  /** Last status seen. */
  status: string;
}

/** The orders of one run, by id. */
export class OrderLedger {
  readonly #orders = new Map<string, TrackedOrder>();

  /** Records an order; false when it was already known (an idempotent retry answered it again). */
  add(order: TrackedOrder): boolean {
    if (this.#orders.has(order.id)) return false;
    this.#orders.set(order.id, order);
    return true;
  }

  /** The order with `id`, if the run created it. */
  get(id: string): TrackedOrder | undefined {
    return this.#orders.get(id);
  }

  /** Every order, in creation order. */
  all(): TrackedOrder[] {
    return [...this.#orders.values()];
  }

  /** How many orders. */
  get size(): number {
    return this.#orders.size;
  }
}
