/**
 * The local (dev) payment provider's checkout, which belongs to the storefront:
 *
 * - `POST /api/payments/local/:sessionId` with `{"outcome": "pay" | "decline" | "expire"}` calls
 *   `Payments.CompleteLocalCheckout` and answers the payment as JSON;
 * - the pay page itself is a storefront route (web/routes/pay/[sessionId].tsx).
 *
 * Both answer only for sessions of the local provider (`local_cs_` and 32 hex digits, as
 * `services/payments/providers/local.ts` makes them): any other well-formed id — a Stripe Checkout
 * session's, say — is 404, so the local page never shows for a checkout it cannot complete.
 *
 * @module
 */
import { Hono } from "hono";
import { LocalOutcome } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { gatewayFor } from "../gateway/mod.ts";
import { readJsonBody } from "./body.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { ApiError } from "./errors.ts";
import * as ids from "./ids.ts";
import { paymentJson } from "./order_json.ts";

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

/** The ids the local payment provider gives its checkout sessions. */
export const LOCAL_SESSION_ID = /^local_cs_[0-9a-f]{32}$/;

/** A local provider's session id from a path: 400 when malformed, 404 when not a local session's. */
export function localSessionId(value: string): string {
  const id = ids.sessionId(value);
  if (!LOCAL_SESSION_ID.test(id)) {
    throw new ApiError(404, "not_found", `No local checkout session ${JSON.stringify(id)}`);
  }
  return id;
}

/** Where the pay page sends the customer after acting (the order page knows its customer from the cookie). */
export function orderPagePath(orderId: string): string {
  return `/orders/${encodeURIComponent(orderId)}`;
}

/** The routes above, on their own Hono app. */
export function localPayRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/payments/local/:sessionId", async (c) => {
    const sessionId = localSessionId(c.req.param("sessionId"));
    const body = await readJsonBody(c.req.raw, deps.maxBodyBytes);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ApiError(422, "invalid_argument", "Body must be an object with an outcome", {
        field: "outcome",
      });
    }
    const outcome = parseOutcome((body as Record<string, unknown>).outcome);
    const payment = await gatewayFor(c, deps).payments.completeLocalCheckout(sessionId, outcome);
    return c.json(paymentJson(payment));
  });

  return app;
}
