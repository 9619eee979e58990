/**
 * `/admin/orders/{id}`: one order for staff: its number, status, customer, who it is for (name, phone,
 * email), the pickup time and the note for the kitchen, items and totals (in the shop's locale), the
 * full timeline (status, time, cause, trace id), and the actions legal in its current status. Every
 * time is in the shop's zone, in a `<time>` carrying the exact instant. Each action button
 * leads to a confirmation page (`./confirm`), whose "Confirm" form POSTs here; the result comes back
 * as a flash message after a redirect, or as an error on this page (nothing changed).
 *
 * @module
 */
import { type OrderJson, orderJson } from "../../../api/order_json.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { runOrderAction } from "../../../admin/order_actions.ts";
import { seeOther } from "../../../admin/http.ts";
import type { AdminState } from "../../../admin/state.ts";
import { ACTION_LABELS, isOrderAction, legalActions } from "../../../admin/view.ts";
import { LocalTime } from "../../../components/LocalTime.tsx";
import { OrderItems } from "../../../components/OrderItems.tsx";
import { StatusPill } from "../../../components/admin/StatusPill.tsx";
import type { Handlers, PageProps } from "../../../framework/types.ts";
import { orderLabel, statusLabel } from "../../../lib/order_view.ts";
import { jaegerTraceUrl } from "../../../../services/common/tracing/jaeger.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A trace id, linked to Jaeger's trace view when `JAEGER_UI_URL` is set. */
function TraceId({ traceId }: { traceId: string }) {
  if (!traceId) return <>—</>;
  const href = jaegerTraceUrl(traceId);
  const code = <code class="trace">{traceId}</code>;
  return href
    ? <a href={href} target="_blank" rel="noopener noreferrer" title="Open in Jaeger">{code}</a>
    : code;
}

/** What the page shows. */
export interface AdminOrderData {
  /** The order. */
  order: OrderJson;
  /** An error from an action just tried, or "". */
  error: string;
}

/** The order, and its actions. */
export const handler: Handlers<AdminOrderData, AdminState> = {
  async GET(ctx) {
    const id = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(id)) return await ctx.renderNotFound();
    const order = await gatewayFor(ctx.hono, ctx.deps).orders.find(id);
    if (!order) return await ctx.renderNotFound();
    ctx.state.title = "Admin · Order";
    return await ctx.render({ order: orderJson(order), error: "" });
  },
  async POST(ctx) {
    const id = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(id)) return await ctx.renderNotFound();
    const { orders } = gatewayFor(ctx.hono, ctx.deps);
    const order = await orders.find(id);
    if (!order) return await ctx.renderNotFound();
    ctx.state.title = "Admin · Order";
    const action = ctx.state.form?.get("action") ?? "";
    if (!isOrderAction(action)) {
      return await ctx.render({
        order: orderJson(order),
        error: `Unknown action "${action}". Nothing was changed.`,
      }, {
        status: 422,
      });
    }
    const result = await runOrderAction(orders, ctx.deps.log, order, action);
    if (result.ok) {
      ctx.deps.log.info("admin order action", { action, orderId: id });
      ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text: result.message });
      return seeOther(`/admin/orders/${id}`);
    }
    const fresh = (await orders.find(id).catch(() => null)) ?? order;
    return await ctx.render({ order: orderJson(fresh), error: result.message }, { status: result.status });
  },
};

/** The order page. */
export default function AdminOrder({ data, state }: PageProps<AdminOrderData, AdminState>) {
  const { order } = data;
  const shop = state.shop;
  const details = order.details;
  const actions = legalActions(order);
  return (
    <article
      class="admin-order"
      aria-labelledby="order-title"
      data-testid="admin-order"
      data-status={order.status}
    >
      <p class="crumbs">
        <a href="/admin">← Orders</a>
      </p>
      <h1 id="order-title">
        Order <span data-testid="order-number">{orderLabel(order)}</span>
      </h1>
      <p class="muted">
        Order id <code data-testid="order-id">{order.id}</code>
      </p>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusPill status={order.status} />
          </dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            <a href={`/admin?q=${encodeURIComponent(order.customerId)}`}>
              <code data-testid="order-customer">{order.customerId}</code>
            </a>
          </dd>
        </div>
        {details && (
          <>
            <div>
              <dt>Name</dt>
              <dd data-testid="order-name">{details.name}</dd>
            </div>
            <div>
              <dt>Phone</dt>
              <dd data-testid="order-phone">{details.phone || "—"}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd data-testid="order-email">{details.email || "—"}</dd>
            </div>
            <div>
              <dt>Pickup time</dt>
              <dd data-testid="order-pickup">
                <LocalTime at={details.pickupAt} zone={shop} empty="As soon as possible" />
              </dd>
            </div>
            <div>
              <dt>Note for the kitchen</dt>
              <dd data-testid="order-note" class="note">{details.note || "—"}</dd>
            </div>
          </>
        )}
        <div>
          <dt>Placed</dt>
          <dd data-testid="order-placed">
            <LocalTime at={order.createdAt} zone={shop} />
          </dd>
        </div>
        <div>
          <dt>Last change</dt>
          <dd data-testid="order-updated">
            <LocalTime at={order.updatedAt} zone={shop} />
          </dd>
        </div>
      </dl>
      <section aria-labelledby="actions-title" class="admin-panel">
        <h2 id="actions-title">Actions</h2>
        {actions.length === 0
          ? (
            <p class="muted">
              No actions: a {statusLabel(order.status).toLowerCase()} order cannot be changed here.
            </p>
          )
          : (
            <div class="actions">
              {actions.map((a) => (
                <form method="get" action={`/admin/orders/${order.id}/confirm`}>
                  <input type="hidden" name="action" value={a} />
                  <button type="submit" class={`button ${a === "complete" ? "primary" : "danger"}`}>
                    {ACTION_LABELS[a]}
                  </button>
                </form>
              ))}
            </div>
          )}
      </section>
      <div class="order-columns">
        <section aria-labelledby="items-title" class="admin-panel">
          <h2 id="items-title">Items</h2>
          <OrderItems
            items={order.items}
            total={order.total}
            caption="Items and total"
            locale={shop.locale}
          />
        </section>
        <section aria-labelledby="timeline-title" class="admin-panel">
          <h2 id="timeline-title">Timeline</h2>
          <div class="table-scroll" role="region" aria-label="Timeline table" tabIndex={0}>
            <table class="admin-table cards" data-testid="admin-timeline">
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Time</th>
                  <th scope="col">Cause</th>
                  <th scope="col">Trace id</th>
                </tr>
              </thead>
              <tbody>
                {order.timeline.map((t) => (
                  <tr data-status={t.status}>
                    <td data-label="Status">
                      <StatusPill status={t.status} />
                    </td>
                    <td data-label="Time">
                      <LocalTime at={t.at} zone={shop} />
                    </td>
                    <td data-label="Cause">{t.cause || "—"}</td>
                    <td data-label="Trace id" class="wide">
                      <TraceId traceId={t.traceId} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </article>
  );
}
