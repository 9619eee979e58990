/**
 * `POST /api/webhooks/stripe`: a Stripe delivery, passed on as the exact bytes received (the
 * signature covers them, so the body is never parsed here) with its `Stripe-Signature` header to
 * `Payments.HandleProviderEvent`. A bad signature is answered 400 (Stripe does not retry it); a
 * payments outage 503 (Stripe retries later); a handled or repeated event 200 `{"received": true}`.
 *
 * @module
 */
import { Hono } from "hono";
import { gatewayFor } from "../gateway/mod.ts";
import { readBodyBytes } from "./body.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { ApiError } from "./errors.ts";

/** The webhook route, on its own Hono app. */
export function webhooksRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/api/webhooks/stripe", async (c) => {
    const signature = c.req.header("stripe-signature");
    if (!signature) {
      throw new ApiError(400, "invalid_argument", "Stripe-Signature header is missing", {
        field: "Stripe-Signature",
      });
    }
    const bytes = await readBodyBytes(c.req.raw, deps.webhookMaxBodyBytes);
    if (bytes.byteLength === 0) throw new ApiError(400, "invalid_argument", "Webhook body is empty");
    try {
      const res = await gatewayFor(c, deps).payments.handleProviderEvent("stripe", bytes, signature);
      return c.json({ received: true, firstDelivery: res.firstDelivery });
    } catch (err) {
      // Payments rejects a bad signature or an unreadable event as invalid_argument: a client error.
      // Its field names the header in lower case; the API spells headers as the client sends them.
      if (err instanceof ApiError && err.status === 422) {
        const field = err.field.toLowerCase() === "stripe-signature" ? "Stripe-Signature" : err.field;
        throw new ApiError(400, err.code, err.message, { field, cause: err });
      }
      throw err;
    }
  });
  return app;
}
