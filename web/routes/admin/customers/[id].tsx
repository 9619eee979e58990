/**
 * `/admin/customers/:id`: one customer: contact details (from their latest order), figures (orders,
 * total spent = paid minus refunded, first and last order), their orders newest first (paged by
 * cursor) and the notes they left on those orders. 404 for a customer orders never saw.
 *
 * @module
 */
import {
  type CustomerNote,
  customerNotes,
  type CustomerRow,
  customerRow,
} from "../../../admin/customer_view.ts";
import { type ListRow, listRow } from "../../../admin/order_search.ts";
import { PAYMENT_LABELS } from "../../../admin/order_filters.ts";
import type { AdminState } from "../../../admin/state.ts";
import { LocalTime } from "../../../components/LocalTime.tsx";
import { StatusPill } from "../../../components/admin/StatusPill.tsx";
import type { Handlers, PageProps } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { formatMoney } from "../../../lib/money.ts";
import { orderLabel } from "../../../lib/order_view.ts";

/** Orders per page on a customer's page. */
export const CUSTOMER_ORDERS_PAGE = 20;

/** What the page shows. */
export interface CustomerData {
  /** The customer, or null (404). */
  customer: CustomerRow | null;
  /** This page of their orders. */
  orders: ListRow[];
  /** Notes on those orders. */
  notes: CustomerNote[];
  /** Next page of orders, "" for none. */
  nextCursor: string;
  /** This page's cursor. */
  cursor: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Loads the customer and a page of their orders. */
export const handler: Handlers<CustomerData, AdminState> = {
  async GET(ctx) {
    const id = ctx.params.id ?? "";
    const cursor = (ctx.url.searchParams.get("cursor") ?? "").slice(0, 300);
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const customer = ID.test(id) ? await gw.orders.staff.customer(id) : null;
    ctx.state.title = "Admin · Customer";
    if (!customer) {
      return await ctx.render({ customer: null, orders: [], notes: [], nextCursor: "", cursor: "" }, {
        status: 404,
      });
    }
    const page = await gw.orders.listOfCustomer(id, { pageSize: CUSTOMER_ORDERS_PAGE, cursor });
    return await ctx.render({
      customer: customerRow(customer),
      orders: page.orders.map(listRow),
      notes: customerNotes(page.orders),
      nextCursor: page.nextCursor,
      cursor,
    });
  },
};

/** The customer page. */
export default function CustomerPage({ data, state }: PageProps<CustomerData, AdminState>) {
  const zone = state.shop;
  const c = data.customer;
  if (!c) {
    return (
      <div>
        <h1>Customer not found</h1>
        <p>
          No orders were placed by this customer. <a href="/admin/customers">All customers</a>
        </p>
      </div>
    );
  }
  const base = `/admin/customers/${encodeURIComponent(c.id)}`;
  return (
    <div class="customer-page" data-testid="customer-page" data-customer-id={c.id}>
      <p class="crumbs">
        <a href="/admin/customers">Customers</a>
      </p>
      <h1>{c.name || c.id}</h1>
      <div class="customer-columns">
        <section class="admin-panel" aria-labelledby="contact-title">
          <h2 id="contact-title">Contact</h2>
          <dl class="facts">
            <div>
              <dt>Name</dt>
              <dd data-testid="customer-name">{c.name || "—"}</dd>
            </div>
            <div>
              <dt>Phone</dt>
              <dd>{c.phone ? <a href={`tel:${c.phone.replace(/[^\d+]/g, "")}`}>{c.phone}</a> : "—"}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd class="wrap">{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : "—"}</dd>
            </div>
            <div>
              <dt>Customer id</dt>
              <dd class="wrap">
                <code>{c.id}</code>
              </dd>
            </div>
          </dl>
        </section>
        <section class="admin-panel" aria-labelledby="figures-title">
          <h2 id="figures-title">Figures</h2>
          <dl class="facts">
            <div>
              <dt>Orders</dt>
              <dd data-testid="customer-orders">{c.orders}</dd>
            </div>
            <div>
              <dt>Total spent</dt>
              <dd data-testid="customer-spent" data-amount={c.spent.amount}>
                {formatMoney(c.spent, zone.locale)}
              </dd>
            </div>
            <div>
              <dt>First order</dt>
              <dd>
                <LocalTime at={c.firstOrderAt} zone={zone} />
              </dd>
            </div>
            <div>
              <dt>Last order</dt>
              <dd>
                <LocalTime at={c.lastOrderAt} zone={zone} />
              </dd>
            </div>
          </dl>
        </section>
      </div>
      <section class="admin-panel" aria-labelledby="notes-title">
        <h2 id="notes-title">Notes</h2>
        {data.notes.length === 0
          ? <p class="muted">No notes on these orders.</p>
          : (
            <ul class="customer-notes" data-testid="customer-notes">
              {data.notes.map((n) => (
                <li key={n.orderId}>
                  <a href={`/admin/orders/${encodeURIComponent(n.orderId)}`}>
                    {orderLabel({ id: n.orderId, number: n.number })}
                  </a>
                  {" · "}
                  <LocalTime at={n.at} zone={zone} />
                  <p class="note-text">{n.text}</p>
                </li>
              ))}
            </ul>
          )}
      </section>
      <section class="admin-panel" aria-labelledby="orders-title">
        <h2 id="orders-title">Orders</h2>
        <div class="table-scroll" role="region" aria-label="Orders of this customer" tabIndex={0}>
          <table class="admin-table cards" data-testid="customer-orders-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col">Payment</th>
                <th scope="col" class="num">Total</th>
                <th scope="col">Placed</th>
              </tr>
            </thead>
            <tbody>
              {data.orders.map((r) => (
                <tr key={r.id} data-testid="order-row" data-order-id={r.id}>
                  <td data-label="Order">
                    <a href={`/admin/orders/${encodeURIComponent(r.id)}`}>{orderLabel(r)}</a>
                  </td>
                  <td data-label="Status">
                    <StatusPill status={r.status} />
                  </td>
                  <td data-label="Payment">{PAYMENT_LABELS[r.payment] ?? r.payment}</td>
                  <td class="num" data-label="Total">{formatMoney(r.total, zone.locale)}</td>
                  <td data-label="Placed">
                    <LocalTime at={r.createdAt} zone={zone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {data.cursor && <a class="button" href={base}>First page</a>}
          {data.nextCursor && (
            <a class="button" href={`${base}?cursor=${encodeURIComponent(data.nextCursor)}`} rel="next">
              Next page
            </a>
          )}
        </nav>
      </section>
    </div>
  );
}
