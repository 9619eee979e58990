/**
 * Field names as the JSON API speaks them. The services name request fields as their protobuf
 * messages do (`order_id`, `items[0].unit_price.amount`); the API's JSON is camelCase (`orderId`,
 * `items[0].unitPrice.amount`). {@linkcode camelField} converts one to the other, and the gateway's
 * error mapping (`web/gateway/errors.ts`) applies it to every service error, so an error's `field`
 * always names a field of the JSON the client sent or read.
 *
 * @module
 */

/**
 * `field` with every snake_case segment in camelCase: `order_id` -> `orderId`,
 * `items[0].item_id` -> `items[0].itemId`, `details.pickup_at` -> `details.pickupAt`. Header names
 * (`Idempotency-Key`, `stripe-signature`), indexes and names already in camelCase are kept as they are.
 */
export function camelField(field: string): string {
  return field.replace(
    /([A-Za-z0-9])_+([A-Za-z0-9])/g,
    (_, before: string, after: string) => `${before}${after.toUpperCase()}`,
  );
}
