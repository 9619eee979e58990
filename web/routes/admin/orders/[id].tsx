/**
 * `/admin/orders/{id}`: one order for staff: its number, status and payment state, customer, who it is
 * for (name, phone, email), the pickup time and the note for the kitchen, items and totals (in the
 * shop's locale), the full timeline as a vertical list that fits 1280 px and less (status, time in the
 * shop's zone, cause, who did it, trace id) with the staff notes merged in by time, a note form, a
 * refund form (amount prefilled with what is left, a reason, the confirmation in the same form), the
 * other actions legal now (cancel, mark completed: through `./confirm`), and a link to the print view.
 *
 * POST `action=refund|note` runs here (the staff member is the session's, carried to orders as the
 * signed staff claim); `cancel|complete` come from the confirmation page. Success comes back as a flash
 * message after a redirect; a bad field re-renders the page with the error next to it (422, nothing
 * changed).
 *
 * @module
 */
import { type OrderJson, orderJson } from "../../../api/order_json.ts";
import { toApiError } from "../../../api/errors.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import type { OrdersGateway } from "../../../gateway/orders.ts";
import { runOrderAction, whyIllegal } from "../../../admin/order_actions.ts";
import { seeOther } from "../../../admin/http.ts";
import type { AdminState } from "../../../admin/state.ts";
import { ACTION_LABELS, isOrderAction, legalActions } from "../../../admin/view.ts";
import {
  type FieldError,
  parseRefundForm,
  type RefundFormValues,
  refundValues,
} from "../../../admin/refund_form.ts";
import { asset } from "../../../framework/static.ts";
import { LocalTime } from "../../../components/LocalTime.tsx";
import { OrderItems } from "../../../components/OrderItems.tsx";
import { NoteForm } from "../../../components/admin/NoteForm.tsx";
import { OrderTimeline } from "../../../components/admin/OrderTimeline.tsx";
import { RefundForm } from "../../../components/admin/RefundForm.tsx";
import { StatusPill } from "../../../components/admin/StatusPill.tsx";
import type { Handlers, PageProps, RouteContext } from "../../../framework/types.ts";
import { formatMoney } from "../../../lib/money.ts";
import { orderLabel, statusLabel } from "../../../lib/order_view.ts";
import type { Order } from "../../../../services/common/gen/oms/orders/v1/orders.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the page shows. */
export interface AdminOrderData {
  /** The order. */
  order: OrderJson;
  /** An error from an action just tried, or "". */
  error: string;
  /** The refund form as posted, with its error (after a refused refund). */
  refund?: { values: RefundFormValues; error?: FieldError | undefined };
  /** The note form as posted, with its error (after a refused note). */
  note?: { text: string; visible: boolean; error?: FieldError | undefined };
}

const PAYMENT_STATE_LABELS: Record<string, string> = {
  unpaid: "Not paid",
  paid: "Paid",
  partially_refunded: "Partly refunded",
  refunded: "Refunded",
};

type Ctx = RouteContext<AdminOrderData, AdminState>;

/** Refunds as the form asks; the page again with the field's error when it is wrong. */
async function refund(ctx: Ctx, orders: OrdersGateway, order: Order): Promise<Response> {
  const json = orderJson(order);
  const values = refundValues(ctx.state.form);
  const illegal = whyIllegal("refund", json);
  if (illegal) return await ctx.render({ order: json, error: illegal }, { status: 409 });
  const parsed = parseRefundForm(values, json);
  if (!parsed.ok) {
    return await ctx.render({ order: json, error: "", refund: { values, error: parsed.error } }, {
      status: 422,
    });
  }
  try {
    const { reason, amount: asked, key } = parsed.request;
    const next = await orders.refund(order.id, reason, asked, key || undefined);
    const amount = formatMoney(parsed.request.amount, ctx.state.shop.locale);
    const text = statusLabel(orderJson(next).status) === "Refunded"
      ? `Refunded ${amount}: the order is refunded in full.`
      : `Refunded ${amount}.`;
    ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text });
    ctx.deps.log.info("admin refund", { orderId: order.id, amount: parsed.request.amount.amount });
    return seeOther(`/admin/orders/${order.id}`);
  } catch (err) {
    const e = toApiError(err);
    if (e.status === 500) {
      ctx.deps.log.error("admin refund failed", { orderId: order.id, err: e.cause ?? err });
    }
    const fresh = (await orders.find(order.id).catch(() => null)) ?? order;
    const message = e.status === 500 ? "Something went wrong on our side. Nothing was refunded." : e.message;
    const field: FieldError["field"] = e.field === "reason" ? "reason" : "amount";
    return await ctx.render(
      { order: orderJson(fresh), error: "", refund: { values, error: { field, message } } },
      { status: e.status === 500 ? 500 : e.status },
    );
  }
}

/** Adds the posted note; the page again with the error when it is refused. */
async function note(ctx: Ctx, orders: OrdersGateway, order: Order): Promise<Response> {
  const text = ctx.state.form?.get("text") ?? "";
  const visible = ctx.state.form?.get("visibility") === "customer";
  const length = [...text.trim()].length;
  const invalid = length === 0
    ? "Write the note (1 to 1000 characters)"
    : length > 1000
    ? `Keep the note to 1000 characters (it has ${length})`
    : "";
  const again = (message: string, status: number) =>
    ctx.render(
      { order: orderJson(order), error: "", note: { text, visible, error: { field: "text", message } } },
      { status },
    );
  if (invalid) return await again(invalid, 422);
  try {
    await orders.addNote(order.id, text, visible);
  } catch (err) {
    const e = toApiError(err);
    return await again(
      e.status === 500 ? "Something went wrong on our side. The note was not saved." : e.message,
      e.status,
    );
  }
  ctx.deps.admin!.sessions.flash(ctx.state.session!, {
    kind: "success",
    text: visible ? "Note added; the customer sees it." : "Internal note added.",
  });
  return seeOther(`/admin/orders/${order.id}#timeline-title`);
}

/** The order, and its actions. */
export const handler: Handlers<AdminOrderData, AdminState> = {
  async GET(ctx) {
    const id = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(id)) return await ctx.renderNotFound();
    const order = await gatewayFor(ctx.hono, ctx.deps).orders.find(id);
    if (!order) return await ctx.renderNotFound();
    ctx.state.title = `Admin · Order ${orderLabel(orderJson(order))}`;
    return await ctx.render({ order: orderJson(order), error: "" });
  },
  async POST(ctx) {
    const id = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(id)) return await ctx.renderNotFound();
    const { orders } = gatewayFor(ctx.hono, ctx.deps);
    const order = await orders.find(id);
    if (!order) return await ctx.renderNotFound();
    ctx.state.title = `Admin · Order ${orderLabel(orderJson(order))}`;
    const action = ctx.state.form?.get("action") ?? "";
    if (action === "refund") return await refund(ctx, orders, order);
    if (action === "note") return await note(ctx, orders, order);
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
  // refunds have their own form below; cancel and complete go through the confirmation page
  const actions = legalActions(order).filter((a) => a !== "refund");
  const paymentState = order.paymentState ?? "unpaid";
  return (
    <article
      class="admin-order"
      aria-labelledby="order-title"
      data-testid="admin-order"
      data-status={order.status}
    >
      <link rel="stylesheet" href={asset("/_static/admin_order.css")} />
      <div class="order-head">
        <p class="crumbs">
          <a href="/admin">← Orders</a>
        </p>
        <a class="button" href={`/admin/orders/${order.id}/print`} data-testid="print-link">Print view</a>
      </div>
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
          <dt>Payment</dt>
          <dd data-testid="payment-state" data-state={paymentState}>
            {PAYMENT_STATE_LABELS[paymentState] ?? paymentState}
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
      {actions.length > 0 && (
        <section aria-labelledby="actions-title" class="admin-panel">
          <h2 id="actions-title">Actions</h2>
          <div class="actions" data-testid="confirm-actions">
            {actions.map((a) => (
              <form method="get" action={`/admin/orders/${order.id}/confirm`}>
                <input type="hidden" name="action" value={a} />
                <button type="submit" class={`button ${a === "complete" ? "primary" : "danger"}`}>
                  {ACTION_LABELS[a]}
                </button>
              </form>
            ))}
          </div>
        </section>
      )}
      <div class="detail-columns">
        <div class="detail-main">
          <section aria-labelledby="timeline-title" class="admin-panel">
            <h2 id="timeline-title">Timeline</h2>
            <OrderTimeline order={order} zone={shop} />
          </section>
          <NoteForm
            orderId={order.id}
            csrf={state.csrf}
            text={data.note?.text}
            visible={data.note?.visible}
            error={data.note?.error}
          />
        </div>
        <div class="detail-side">
          <section aria-labelledby="items-title" class="admin-panel">
            <h2 id="items-title">Items</h2>
            <OrderItems
              items={order.items}
              total={order.total}
              caption="Items and total"
              locale={shop.locale}
            />
          </section>
          {paymentState !== "unpaid" && (
            <RefundForm
              order={order}
              csrf={state.csrf}
              shop={shop}
              values={data.refund?.values}
              error={data.refund?.error}
            />
          )}
        </div>
      </div>
    </article>
  );
}
