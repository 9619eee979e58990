/**
 * The checkout's server side: which pickup times to offer, and the full check of a submitted form
 * (the shared field rules of `lib/checkout_form.ts`, then the pickup time against the shop's hours:
 * "as soon as possible" only while the shop will be open once the order is ready, a slot only if it is
 * one `web/shop.ts` would offer). The result is the {@linkcode OrderDetails} for `orders.create`.
 *
 * @module
 */
import type { OrderDetails } from "../../services/common/gen/oms/types/v1/types.ts";
import { validateOrderDetails } from "../../services/common/order_details.ts";
import {
  ASAP,
  checkDetails,
  type CheckoutValues,
  detailsJson,
  type FieldErrors,
  isValid,
} from "../lib/checkout_form.ts";
import { earliestPickup, isOpen, isValidSlot, pickupSlots, type ShopConfig, slotLabel } from "../shop.ts";

/** A pickup time offered in the form. */
export interface SlotOption {
  /** ISO 8601 time (the form's value). */
  value: string;
  /** What the customer reads, e.g. `18:30` or `Tue 18:30`. */
  label: string;
}

/** The pickup choices at `now`. */
export interface PickupChoices {
  /** True when "as soon as possible" is offered (the shop is open when the order would be ready). */
  asap: boolean;
  /** The shop's current preparation estimate in minutes (what "as soon as possible" means). */
  prepMinutes: number;
  /** The slots, earliest first. */
  slots: SlotOption[];
}

/** The pickup choices to offer at `now` (each slot once, even where one day's hours end as the next begin). */
export function pickupChoices(shop: ShopConfig, now: Date): PickupChoices {
  const values = pickupSlots(shop, now).map((at) => at.toISOString());
  return {
    asap: isOpen(shop, earliestPickup(shop, now)),
    prepMinutes: shop.prepMinutes,
    slots: values.map((value) => ({ value, label: slotLabel(new Date(value), now, shop) })),
  };
}

/** The values with a pickup choice that is offered (the first slot when "as soon as possible" is not). */
export function withOfferedPickup(values: CheckoutValues, choices: PickupChoices): CheckoutValues {
  if (values.pickup === ASAP && !choices.asap && choices.slots[0]) {
    return { ...values, pickup: choices.slots[0].value };
  }
  return values;
}

/** The outcome of {@linkcode checkCheckout}. */
export type CheckoutCheck = { ok: true; details: OrderDetails } | { ok: false; errors: FieldErrors };

/** Checks a submitted checkout form at `now` (see the module doc). */
export function checkCheckout(values: CheckoutValues, shop: ShopConfig, now: Date): CheckoutCheck {
  const errors = checkDetails(values, now);
  if (values.pickup === ASAP) {
    if (!isOpen(shop, earliestPickup(shop, now))) {
      errors.pickup = "We are closed by then. Please choose a pickup time.";
    }
  } else if (!errors.pickup) {
    const at = new Date(values.pickup);
    if (Number.isNaN(at.getTime()) || !isValidSlot(shop, at, now)) {
      errors.pickup = "That pickup time is no longer available. Please choose another one.";
    }
  }
  if (!isValid(errors)) return { ok: false, errors };
  const result = validateOrderDetails(detailsJson(values), now);
  if (!result.ok || !result.details) {
    // checkDetails applies the same rules, so this is not expected
    return { ok: false, errors: { name: result.ok ? "Please enter your name." : result.message } };
  }
  return { ok: true, details: result.details };
}
