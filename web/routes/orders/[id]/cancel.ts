/**
 * `POST /orders/{id}/cancel`: the order page's "Cancel order" without JavaScript. Checks the form
 * token, cancels this customer's unpaid order through the orders facade and goes back to the order page
 * (303); when orders refuses (the order was paid meanwhile) or cannot be reached, the order page says so
 * (`?cancel=refused` / `?cancel=failed`). Someone else's order, or an id that is not one, is "not found".
 *
 * @module
 */
import { toApiError } from "../../../api/errors.ts";
import { readCustomerForm } from "../../../cart/form.ts";
import type { ShopState } from "../../../customer.ts";
import type { Handlers } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

/** Cancels the order. */
export const handler: Handlers<unknown, ShopState> = {
  async POST(ctx) {
    const orderId = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(orderId)) {
      await ctx.req.body?.cancel();
      return await ctx.renderNotFound();
    }
    await readCustomerForm(ctx);
    const page = `/orders/${encodeURIComponent(orderId)}`;
    try {
      await gatewayFor(ctx.hono, ctx.deps).orders.cancel(
        ctx.state.customerId,
        orderId,
        "Cancelled by the customer",
      );
      return seeOther(page);
    } catch (err) {
      const e = toApiError(err, "orders");
      if (e.status === 404) return await ctx.renderNotFound();
      if (e.status >= 500) {
        ctx.deps.log.warn("cancel failed", { orderId, status: e.status, err: e.message });
        return seeOther(`${page}?cancel=failed`);
      }
      return seeOther(`${page}?cancel=refused`);
    }
  },
};
