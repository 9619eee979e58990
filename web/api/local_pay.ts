/**
 * The local (dev) payment provider's checkout, which belongs to the storefront:
 *
 * - `POST /api/payments/local/:sessionId` with `{"outcome": "pay" | "decline" | "expire"}` calls
 *   `Payments.CompleteLocalCheckout` and answers the payment as JSON;
 * - `GET /pay/:sessionId` is a minimal server-rendered pay page (from `Payments.GetCheckoutSession`)
 *   with three buttons; its form posts to `POST /pay/:sessionId`, which completes the checkout and
 *   redirects (303) to `/orders/:orderId?customer=:customerId`;
 * - `GET /orders/:orderId?customer=` is a placeholder order page until the storefront replaces it.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { rpc } from "../../services/common/grpc_client.ts";
import { LocalOutcome, type Payment } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { readBodyBytes, readJsonBody } from "./body.ts";
import { type AppDeps, type AppEnv, callOpts, upstream } from "./deps.ts";
import { ApiError, internalError, toApiError } from "./errors.ts";
import { escapeHtml, formatMoney, page } from "./html.ts";
import * as ids from "./ids.ts";
import { lineJson, moneyJson, orderJson, paymentJson } from "./order_json.ts";

const OUTCOMES: Record<string, LocalOutcome> = {
  pay: LocalOutcome.LOCAL_OUTCOME_PAY,
  decline: LocalOutcome.LOCAL_OUTCOME_DECLINE,
  expire: LocalOutcome.LOCAL_OUTCOME_EXPIRE,
};

/** Parses an outcome word; 422 naming `field` otherwise. */
export function parseOutcome(value: unknown, field = "outcome"): LocalOutcome {
  const outcome = typeof value === "string" ? OUTCOMES[value] : undefined;
  if (outcome === undefined) {
    throw new ApiError(
      422,
      "invalid_argument",
      `Outcome must be "pay", "decline" or "expire", got ${JSON.stringify(value) ?? "nothing"}`,
      { field },
    );
  }
  return outcome;
}

/** Where the pay page sends the customer after acting. */
export function orderPagePath(orderId: string, customerId: string): string {
  return `/orders/${encodeURIComponent(orderId)}?customer=${encodeURIComponent(customerId)}`;
}

function present(payment: Payment | undefined): Payment {
  if (!payment) throw internalError(new Error("payments answered without a payment"));
  return payment;
}

/** An HTML error page with the status the JSON API would use. */
function htmlError(c: Context<AppEnv>, deps: AppDeps, err: unknown) {
  const e = toApiError(err);
  if (e.status >= 500) {
    deps.log.error("page failed", { path: c.req.path, err, traceparent: c.get("traceparent") });
  }
  return c.html(page("Something went wrong", `<p class="error">${escapeHtml(e.message)}</p>`), e.status);
}

function payPage(sessionId: string, p: Payment): string {
  const items = p.items.map(lineJson);
  const rows = items.map((l) =>
    `<tr><td>${escapeHtml(l.name || l.id)}</td><td>${l.quantity}</td><td>${
      escapeHtml(formatMoney(l.unitPrice))
    }</td></tr>`
  ).join("\n");
  const status = paymentJson(p).status;
  const action = `/pay/${encodeURIComponent(sessionId)}`;
  const form = status === "open"
    ? `<form method="post" action="${escapeHtml(action)}">
<button name="outcome" value="pay">Pay</button>
<button name="outcome" value="decline">Decline</button>
<button name="outcome" value="expire">Let it expire</button>
</form>`
    : `<p>This checkout is ${escapeHtml(status)}. <a href="${
      escapeHtml(orderPagePath(p.orderId, p.customerId))
    }">See the order</a></p>`;
  return page(
    "Local checkout",
    `<p>Order <code>${escapeHtml(p.orderId)}</code></p>
<table><tr><th>Item</th><th>Qty</th><th>Unit price</th></tr>
${rows}
</table>
<p><strong>Total: ${escapeHtml(formatMoney(moneyJson(p.amount)))}</strong></p>
${form}`,
  );
}

/** The routes above, on their own Hono app. */
export function localPayRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { payments, orders } = deps.clients;

  app.post("/api/payments/local/:sessionId", async (c) => {
    const sessionId = ids.sessionId(c.req.param("sessionId"));
    const body = await readJsonBody(c.req.raw, deps.maxBodyBytes);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ApiError(422, "invalid_argument", "Body must be an object with an outcome", {
        field: "outcome",
      });
    }
    const outcome = parseOutcome((body as Record<string, unknown>).outcome);
    const res = await upstream(
      "payments",
      rpc(payments, "completeLocalCheckout", { sessionId, outcome }, callOpts(c, deps)),
    );
    return c.json(paymentJson(present(res.payment)));
  });

  app.get("/pay/:sessionId", async (c) => {
    try {
      const sessionId = ids.sessionId(c.req.param("sessionId"));
      const res = await upstream(
        "payments",
        rpc(payments, "getCheckoutSession", { sessionId }, callOpts(c, deps)),
      );
      return c.html(payPage(sessionId, present(res.payment)));
    } catch (err) {
      return htmlError(c, deps, err);
    }
  });

  app.post("/pay/:sessionId", async (c) => {
    try {
      const sessionId = ids.sessionId(c.req.param("sessionId"));
      const bytes = await readBodyBytes(c.req.raw, deps.maxBodyBytes);
      const form = new URLSearchParams(new TextDecoder().decode(bytes));
      const outcome = parseOutcome(form.get("outcome") ?? undefined);
      const res = await upstream(
        "payments",
        rpc(payments, "completeLocalCheckout", { sessionId, outcome }, callOpts(c, deps)),
      );
      const p = present(res.payment);
      return c.redirect(orderPagePath(p.orderId, p.customerId), 303);
    } catch (err) {
      return htmlError(c, deps, err);
    }
  });

  app.get("/orders/:orderId", async (c) => {
    try {
      const orderId = ids.orderId(c.req.param("orderId"));
      const customerId = ids.customerId(c.req.query("customer") ?? "");
      const res = await upstream(
        "orders",
        rpc(orders, "getOrder", { orderId, customerId, admin: false }, callOpts(c, deps)),
      );
      if (!res.order || res.order.customerId !== customerId) {
        throw new ApiError(404, "not_found", `Order "${orderId}" not found`);
      }
      const o = orderJson(res.order);
      const steps = o.timeline.map((t) => `<li>${escapeHtml(t.status)} · ${escapeHtml(t.at ?? "")}</li>`)
        .join("");
      return c.html(page(
        "Your order",
        `<p>Order <code>${escapeHtml(o.id)}</code> is <strong>${escapeHtml(o.status)}</strong>.</p>
<p>Total: ${escapeHtml(formatMoney(o.total))}</p>
<ol>${steps}</ol>`,
      ));
    } catch (err) {
      return htmlError(c, deps, err);
    }
  });

  return app;
}
