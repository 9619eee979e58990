/**
 * The lines of an order or a checkout and their total, as a table.
 *
 * @module
 */
import type { LineJson, MoneyJson } from "../api/order_json.ts";
import { formatMoney } from "../lib/money.ts";

/** Props of {@linkcode OrderItems}. */
export interface OrderItemsProps {
  /** Priced lines. */
  items: LineJson[];
  /** Their total. */
  total: MoneyJson;
  /** Caption for screen readers and the eye. */
  caption?: string;
  /** The shop's locale, for prices. */
  locale?: string;
}

/** Item, quantity, unit price and line total for each line, then the total. */
export function OrderItems({ items, total, caption = "Items", locale = "en" }: OrderItemsProps) {
  return (
    <table class="items" data-testid="order-items">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" class="num">Qty</th>
          <th scope="col" class="num">Price</th>
          <th scope="col" class="num">Subtotal</th>
        </tr>
      </thead>
      <tbody>
        {items.map((l) => (
          <tr key={l.id}>
            <td>{l.name || l.id}</td>
            <td class="num">{l.quantity}</td>
            <td class="num">{formatMoney(l.unitPrice, locale)}</td>
            <td class="num">
              {formatMoney(
                { amount: l.unitPrice.amount * l.quantity, currency: l.unitPrice.currency },
                locale,
              )}
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>Total</th>
          <td class="num" data-testid="order-total">
            <strong>{formatMoney(total, locale)}</strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
