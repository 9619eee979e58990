/**
 * `/pay/{sessionId}`: the local payment provider's checkout page (dev). Shows what is being paid for
 * (`Payments.GetCheckoutSession`) and, while the checkout is open, three choices: Pay, Decline, Let it
 * expire (the PayActions island); only for the local provider's sessions (any other id is 404, see
 * `api/local_pay.ts`). `POST /pay/{sessionId}` with a form field `outcome` (and the customer's form
 * token, see `cart/form.ts`) completes the checkout without JavaScript and redirects (303) to the order
 * page. Times and prices are shown in the shop's zone and locale.
 *
 * @module
 */
import { readCustomerForm } from "../../cart/form.ts";
import { toApiError } from "../../api/errors.ts";
import { type LineJson, lineJson, type PaymentJson, paymentJson } from "../../api/order_json.ts";
import { localSessionId, parseOutcome } from "../../api/local_pay.ts";
import { OrderItems } from "../../components/OrderItems.tsx";
import type { ShopState } from "../../customer.ts";
import type { Handlers, PageProps, RouteContext } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import PayActions from "../../islands/PayActions.tsx";
import { formatDateTime, processShop } from "../../shop.ts";

/** What the page shows. */
export interface PayPageData {
  /** The session id from the path. */
  sessionId: string;
  /** The payment. */
  payment: PaymentJson;
  /** What is paid for. */
  items: LineJson[];
  /** Why the last action failed, if it did. */
  error: string | null;
}

function load(ctx: RouteContext<PayPageData, ShopState>, sessionId: string) {
  return gatewayFor(ctx.hono, ctx.deps).payments.checkoutSession(sessionId);
}

/** Shows the checkout; completes it from a form post. */
export const handler: Handlers<PayPageData, ShopState> = {
  async GET(ctx) {
    const sessionId = localSessionId(ctx.params.sessionId ?? "");
    const p = await load(ctx, sessionId);
    ctx.state.title = "Checkout";
    return await ctx.render({
      sessionId,
      payment: paymentJson(p),
      items: p.items.map(lineJson),
      error: null,
    });
  },
  async POST(ctx) {
    const sessionId = localSessionId(ctx.params.sessionId ?? "");
    const form = await readCustomerForm(ctx);
    try {
      const outcome = parseOutcome(form.get("outcome") ?? undefined);
      const payment = await gatewayFor(ctx.hono, ctx.deps).payments.completeLocalCheckout(sessionId, outcome);
      const orderId = payment.orderId;
      return new Response(null, {
        status: 303,
        headers: { Location: `/orders/${encodeURIComponent(orderId)}` },
      });
    } catch (err) {
      const e = toApiError(err, "payments");
      if (e.status >= 500 || e.status === 404) throw err;
      const p = await load(ctx, sessionId);
      ctx.state.title = "Checkout";
      return await ctx.render(
        { sessionId, payment: paymentJson(p), items: p.items.map(lineJson), error: e.message },
        { status: e.status },
      );
    }
  },
};

const CLOSED: Record<string, string> = {
  succeeded: "This checkout is paid.",
  failed: "This payment was declined.",
  expired: "This checkout has expired.",
  refunded: "This payment was refunded.",
};

/** The checkout page. */
export default function PayPage({ data, state }: PageProps<PayPageData, ShopState>) {
  const { payment } = data;
  const shop = state.shop ?? processShop();
  const open = payment.status === "open";
  const orderPath = `/orders/${encodeURIComponent(payment.orderId)}`;
  return (
    <article class="pay-page" aria-labelledby="pay-title">
      <h1 id="pay-title">Checkout</h1>
      <p class="muted">
        Local test payment for order <code>{payment.orderId}</code>. No real money moves.
      </p>
      <OrderItems
        items={data.items}
        total={payment.amount}
        caption="You are paying for"
        locale={shop.locale}
      />
      {data.error && <p class="alert error" role="alert">{data.error}</p>}
      {open
        ? (
          <>
            {payment.expiresAt && (
              <p class="muted">Open until {formatDateTime(new Date(payment.expiresAt), shop)}.</p>
            )}
            <PayActions sessionId={data.sessionId} orderId={payment.orderId} csrf={state.csrf ?? ""} />
          </>
        )
        : (
          <div class="notice">
            <p data-testid="pay-closed">{CLOSED[payment.status] ?? `This checkout is ${payment.status}.`}</p>
            <p>
              <a class="button primary" href={orderPath}>See your order</a>
            </p>
          </div>
        )}
    </article>
  );
}
