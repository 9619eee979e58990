/**
 * Who an order is for and when it is collected, as the customer gave it at checkout: name, phone,
 * email, pickup time (in the shop's zone and locale, or "As soon as possible") and the note for the
 * kitchen. Used by the customer's order page and the admin's.
 *
 * @module
 */
import type { OrderDetailsJson } from "../api/order_json.ts";
import { formatDateTime, type ShopConfig } from "../shop.ts";

/** The pickup time for people: "As soon as possible" or e.g. `30 Nov 2026, 18:30` in the shop's zone. */
export function pickupText(pickupAt: string | null, shop: ShopConfig): string {
  if (!pickupAt) return "As soon as possible";
  const at = new Date(pickupAt);
  return Number.isNaN(at.getTime()) ? "As soon as possible" : formatDateTime(at, shop);
}

/** Props of {@linkcode OrderDetails}. */
export interface OrderDetailsProps {
  /** The details. */
  details: OrderDetailsJson;
  /** The shop (time zone and locale). */
  shop: ShopConfig;
  /** Heading text. */
  title?: string;
}

/** The details as a list of facts. */
export function OrderDetails({ details, shop, title = "Pickup" }: OrderDetailsProps) {
  return (
    <section class="order-details" aria-labelledby="order-details-title" data-testid="order-details">
      <h2 id="order-details-title">{title}</h2>
      <dl class="details-list">
        <div>
          <dt>Name</dt>
          <dd data-testid="order-name">{details.name}</dd>
        </div>
        <div>
          <dt>Pickup time</dt>
          <dd data-testid="order-pickup">
            {details.pickupAt
              ? <time dateTime={details.pickupAt}>{pickupText(details.pickupAt, shop)}</time>
              : pickupText(null, shop)}
          </dd>
        </div>
        {details.phone && (
          <div>
            <dt>Phone</dt>
            <dd data-testid="order-phone">{details.phone}</dd>
          </div>
        )}
        {details.email && (
          <div>
            <dt>Email</dt>
            <dd data-testid="order-email">{details.email}</dd>
          </div>
        )}
        {details.note && (
          <div class="details-note">
            <dt>Note for the kitchen</dt>
            <dd data-testid="order-note">{details.note}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
