/**
 * `/admin/customers?q=&cursor=&back=`: every customer (most recent order first), or those whose name,
 * phone, email or id matches `q`, paged by cursor with previous and next pages. Each links to its
 * customer page.
 *
 * @module
 */
import { type CustomerRow, customerRow } from "../../../admin/customer_view.ts";
import { filtersHref, nextPage, parseFilters, previousPage } from "../../../admin/order_filters.ts";
import type { AdminState } from "../../../admin/state.ts";
import { LocalTime } from "../../../components/LocalTime.tsx";
import type { Handlers, PageProps } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { formatMoney } from "../../../lib/money.ts";

/** Customers per page. */
export const CUSTOMERS_PAGE = 25;

/** What the page shows. */
export interface CustomersData {
  /** The search. */
  q: string;
  /** This page's cursor and the ones before it. */
  cursor: string;
  back: string[];
  /** Rows. */
  rows: CustomerRow[];
  /** The next page's cursor, "" for none. */
  nextCursor: string;
}

/** Loads one page. */
export const handler: Handlers<CustomersData, AdminState> = {
  async GET(ctx) {
    const f = parseFilters(ctx.url.searchParams);
    const page = await gatewayFor(ctx.hono, ctx.deps).orders.staff.customers(f.q, {
      pageSize: CUSTOMERS_PAGE,
      cursor: f.cursor,
    });
    ctx.state.title = "Admin · Customers";
    return await ctx.render({
      q: f.q,
      cursor: f.cursor,
      back: f.back,
      rows: page.customers.map(customerRow),
      nextCursor: page.nextCursor,
    });
  },
};

/** The customers page. */
export default function Customers({ data, state }: PageProps<CustomersData, AdminState>) {
  const zone = state.shop;
  const here = {
    q: data.q,
    cursor: data.cursor,
    back: data.back,
    statuses: [],
    payments: [],
    from: "",
    to: "",
  };
  const prev = previousPage(here);
  return (
    <div class="customers-page">
      <h1>Customers</h1>
      <section class="admin-panel" aria-labelledby="customers-title">
        <h2 id="customers-title" class="sr-only">Find a customer</h2>
        <form method="get" action="/admin/customers" class="filters" role="search">
          <div class="field grow">
            <label for="c-q">Name, phone, email or customer id</label>
            <input id="c-q" name="q" type="search" value={data.q} maxLength={120} autocomplete="off" />
          </div>
          <div class="field buttons">
            <button type="submit" class="button primary">Search</button>
            {data.q && <a class="button" href="/admin/customers">Clear</a>}
          </div>
        </form>
        <div class="table-scroll" role="region" aria-label="Customers table" tabIndex={0}>
          <table class="admin-table cards" data-testid="customers-table">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Phone</th>
                <th scope="col">Email</th>
                <th scope="col" class="num">Orders</th>
                <th scope="col" class="num">Spent</th>
                <th scope="col">Last order</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted empty">
                    {data.q ? `No customer matches "${data.q}".` : "No customers yet."}
                  </td>
                </tr>
              )}
              {data.rows.map((c) => (
                <tr key={c.id} data-testid="customer-row" data-customer-id={c.id}>
                  <td data-label="Customer">
                    <a href={`/admin/customers/${encodeURIComponent(c.id)}`}>
                      {c.name || <code>{c.id}</code>}
                    </a>
                  </td>
                  <td data-label="Phone">{c.phone || "—"}</td>
                  <td data-label="Email" class="wrap">{c.email || "—"}</td>
                  <td class="num" data-label="Orders">{c.orders}</td>
                  <td class="num" data-label="Spent">{formatMoney(c.spent, zone.locale)}</td>
                  <td data-label="Last order">
                    <LocalTime at={c.lastOrderAt} zone={zone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {prev && (
            <a class="button" href={filtersHref("/admin/customers", prev)} rel="prev">
              Previous page
            </a>
          )}
          {data.nextCursor && (
            <a
              class="button"
              href={filtersHref("/admin/customers", nextPage(here, data.nextCursor))}
              rel="next"
            >
              Next page
            </a>
          )}
        </nav>
      </section>
    </div>
  );
}
