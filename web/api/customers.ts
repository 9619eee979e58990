/**
 * `POST /api/customers`: a bearer token for the API.
 *
 * - Without proof: a new customer; 201 `{"customerId", "token"}` with `Location` of its orders.
 * - With proof (a valid token or the storefront's cookie): a fresh token for that same customer;
 *   200 `{"customerId", "token"}`. A browser's customer can so use the API as itself, and a token
 *   can be renewed before it expires.
 *
 * Send the token as `Authorization: Bearer <token>` on `/api/customers/{customerId}/...`.
 *
 * @module
 */
import { Hono } from "hono";
import { newCustomerId } from "../customer.ts";
import { defaultCustomerAuth, provenCustomer } from "../customer_auth.ts";
import { issueToken } from "../customer_token.ts";
import type { AppDeps, AppEnv } from "./deps.ts";

/** The answer of `POST /api/customers`. */
export interface CustomerTokenJson {
  /** The customer the token proves. */
  customerId: string;
  /** Bearer token for `Authorization: Bearer <token>`. */
  token: string;
}

/** The route above, on its own Hono app. */
export function customersRoutes(deps: Pick<AppDeps, "customerAuth">): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/api/customers", async (c) => {
    const auth = deps.customerAuth ?? defaultCustomerAuth();
    const proven = await provenCustomer(c, auth);
    const customerId = proven ?? newCustomerId();
    const body: CustomerTokenJson = { customerId, token: await issueToken(customerId, auth.secret) };
    if (proven) return c.json(body, 200);
    c.header("Location", `/api/customers/${customerId}/orders`);
    return c.json(body, 201);
  });
  return app;
}
