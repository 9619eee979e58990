/**
 * `/admin/orders/{id}/confirm?action=cancel|complete`: the confirmation step of an order action (no
 * JavaScript needed). `action=refund` goes to the order page's refund form, which confirms in itself. Says what will happen; "Confirm" POSTs the action with the CSRF token
 * to the order page. An action the order does not allow now is explained instead (409).
 *
 * @module
 */
import { type OrderJson, orderJson } from "../../../../api/order_json.ts";
import { gatewayFor } from "../../../../gateway/mod.ts";
import { whyIllegal } from "../../../../admin/order_actions.ts";
import { seeOther } from "../../../../admin/http.ts";
import type { AdminState } from "../../../../admin/state.ts";
import { ACTION_LABELS, isOrderAction, type OrderAction } from "../../../../admin/view.ts";
import { Csrf } from "../../../../components/admin/Csrf.tsx";
import type { Handlers, PageProps } from "../../../../framework/types.ts";
import { formatMoney } from "../../../../lib/money.ts";
import { statusLabel } from "../../../../lib/order_view.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the page shows. */
export interface ConfirmData {
  /** The order. */
  order: OrderJson;
  /** The action. */
  action: OrderAction;
  /** Why it is not possible, or "". */
  error: string;
}

const EXPLAIN: Record<OrderAction, string> = {
  cancel: "The order will be cancelled and its reserved stock released. The customer sees it cancelled.",
  refund:
    "The customer's payment will be refunded through the payment provider and the order marked refunded.",
  complete: "The order will be marked completed: handed over to the customer.",
};

/** Loads the order and checks the action. */
export const handler: Handlers<ConfirmData, AdminState> = {
  async GET(ctx) {
    const id = (ctx.params.id ?? "").toLowerCase();
    const action = ctx.url.searchParams.get("action") ?? "";
    if (!UUID.test(id) || !isOrderAction(action)) return await ctx.renderNotFound();
    // refunds take an amount and a reason, confirmed in the order page's own refund form
    if (action === "refund") return seeOther(`/admin/orders/${id}#refund`);
    const order = await gatewayFor(ctx.hono, ctx.deps).orders.find(id);
    if (!order) return await ctx.renderNotFound();
    const json = orderJson(order);
    const error = whyIllegal(action, json) ?? "";
    ctx.state.title = `Admin · ${ACTION_LABELS[action]}`;
    return await ctx.render({ order: json, action, error }, { status: error ? 409 : 200 });
  },
};

/** The confirmation. */
export default function Confirm({ data, state }: PageProps<ConfirmData, AdminState>) {
  const { order, action } = data;
  const label = ACTION_LABELS[action];
  return (
    <section class="notice confirm" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{label}?</h1>
      <p>
        Order <code>{order.id}</code> · customer <code>{order.customerId}</code> ·{" "}
        {formatMoney(order.total, state.shop.locale)} · {statusLabel(order.status)}
      </p>
      {data.error ? <p class="alert error" role="alert" data-testid="action-error">{data.error}</p> : (
        <>
          <p>{EXPLAIN[action]}</p>
          <form method="post" action={`/admin/orders/${order.id}`} class="actions" data-busy="Working…">
            <Csrf token={state.csrf} />
            <input type="hidden" name="action" value={action} />
            <button type="submit" class={`button ${action === "complete" ? "primary" : "danger"}`}>
              Confirm
            </button>
            <a class="button" href={`/admin/orders/${order.id}`}>Back</a>
          </form>
        </>
      )}
      {data.error && (
        <p>
          <a class="button" href={`/admin/orders/${order.id}`}>Back to the order</a>
        </p>
      )}
    </section>
  );
}
