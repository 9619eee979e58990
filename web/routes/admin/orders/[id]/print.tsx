/**
 * `/admin/orders/{id}/print`: the order on one printable page, for the pass or the bag: the shop, the
 * order number, the customer (name, phone, email), the pickup time in the shop's zone, the kitchen
 * note, the items with totals (and refunds, when any), and the staff notes (internal ones marked). A
 * document of its own, without the admin navigation and layout, with a print stylesheet
 * (`static/admin_print.css`). Staff only, like every `/admin/orders*` page (the admin middleware).
 *
 * @module
 */
import { renderToString } from "preact-render-to-string";
import { type OrderJson, orderJson } from "../../../../api/order_json.ts";
import type { AdminState } from "../../../../admin/state.ts";
import { asset } from "../../../../framework/static.ts";
import type { Handlers } from "../../../../framework/types.ts";
import { gatewayFor } from "../../../../gateway/mod.ts";
import { formatMoney } from "../../../../lib/money.ts";
import { orderLabel, statusLabel } from "../../../../lib/order_view.ts";
import { dateTimeIn } from "../../../../lib/when.ts";
import type { ShopConfig } from "../../../../shop.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The printable order as a whole HTML document. */
export function PrintOrder({ order, shop }: { order: OrderJson; shop: ShopConfig }) {
  const d = order.details;
  const locale = shop.locale;
  const money = (amount: number) => formatMoney({ amount, currency: order.total.currency }, locale);
  const refunded = order.refunded?.amount ?? 0;
  const title = `Order ${orderLabel(order)} · ${shop.name}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="icon" href={asset("/_static/favicon.svg")} type="image/svg+xml" />
        <link rel="stylesheet" href={asset("/_static/admin_print.css")} />
      </head>
      <body>
        <main data-testid="print-order">
          <p class="muted">{shop.name}</p>
          <h1>
            Order <span data-testid="print-number">{orderLabel(order)}</span>
          </h1>
          <dl>
            <dt>Status</dt>
            <dd>{statusLabel(order.status)}</dd>
            <dt>Customer</dt>
            <dd data-testid="print-customer">{d?.name || order.customerId}</dd>
            {d?.phone && (
              <>
                <dt>Phone</dt>
                <dd>{d.phone}</dd>
              </>
            )}
            {d?.email && (
              <>
                <dt>Email</dt>
                <dd>{d.email}</dd>
              </>
            )}
            <dt>Pickup</dt>
            <dd data-testid="print-pickup">
              {d?.pickupAt ? dateTimeIn(d.pickupAt, shop) : "As soon as possible"}
            </dd>
            <dt>Placed</dt>
            <dd>{dateTimeIn(order.createdAt, shop) || "—"}</dd>
            {d?.note && (
              <>
                <dt>Kitchen note</dt>
                <dd data-testid="print-kitchen-note">{d.note}</dd>
              </>
            )}
          </dl>
          <h2>Items</h2>
          <table data-testid="print-items">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col" class="num">Qty</th>
                <th scope="col" class="num">Price</th>
                <th scope="col" class="num">Sum</th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((i) => (
                <tr>
                  <td>{i.name || i.id}</td>
                  <td class="num">{i.quantity}</td>
                  <td class="num">{formatMoney(i.unitPrice, locale)}</td>
                  <td class="num">{money(i.unitPrice.amount * i.quantity)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>Total</th>
                <td class="num" data-testid="print-total">{formatMoney(order.total, locale)}</td>
              </tr>
              {refunded > 0 && (
                <>
                  <tr>
                    <th scope="row" colSpan={3}>Refunded</th>
                    <td class="num">−{money(refunded)}</td>
                  </tr>
                  <tr>
                    <th scope="row" colSpan={3}>Kept</th>
                    <td class="num">{money(order.total.amount - refunded)}</td>
                  </tr>
                </>
              )}
            </tfoot>
          </table>
          {(order.notes ?? []).length > 0 && (
            <>
              <h2>Notes</h2>
              <ul class="notes" data-testid="print-notes">
                {(order.notes ?? []).map((n) => (
                  <li>
                    <strong>{n.visibleToCustomer ? "For the customer" : "Internal"}</strong>{" "}
                    ({n.author || "staff"}, {dateTimeIn(n.at, shop)}): {n.text}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p class="print-only-screen">
            Print with your browser (Ctrl+P or ⌘P).{" "}
            <a href={`/admin/orders/${order.id}`}>Back to the order</a>
          </p>
        </main>
      </body>
    </html>
  );
}

/** The document, or the 404 page for an unknown order. */
export const handler: Handlers<unknown, AdminState> = {
  async GET(ctx) {
    const id = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(id)) return await ctx.renderNotFound();
    const order = await gatewayFor(ctx.hono, ctx.deps).orders.find(id);
    if (!order) return await ctx.renderNotFound();
    const html = "<!DOCTYPE html>" +
      renderToString(<PrintOrder order={orderJson(order)} shop={ctx.state.shop} />);
    return new Response(html, {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  },
};
