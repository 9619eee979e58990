/**
 * Customer order routes:
 *
 * - `POST /api/customers/:customerId/orders` creates an order (201, or 202 while it waits for a
 *   payment link), idempotent per `Idempotency-Key`; an unknown item is 422 `unknown_item` naming it
 *   and pointing at `GET /api/products`;
 * - `GET /api/customers/:customerId/orders` lists the customer's orders, newest first (`?cursor`, `?limit`);
 * - `GET /api/customers/:customerId/orders/:orderId` shows one (404 when it is not theirs);
 * - `POST /api/customers/:customerId/orders/:orderId/cancel` cancels an unpaid order.
 *
 * Every route needs proof that the caller is the path's customer (a bearer token or the storefront's
 * cookie): 401 without, 403 for another customer's proof (see `customer_auth.ts`).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { authorizeCustomer, defaultCustomerAuth } from "../customer_auth.ts";
import { gatewayFor } from "../gateway/mod.ts";
import { readJsonBody } from "./body.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { ApiError } from "./errors.ts";
import * as ids from "./ids.ts";
import { isPending, orderJson } from "./order_json.ts";
import { parseOrderBody } from "./parse_order_body.ts";

/** The API path of an order. */
export function orderPath(customerId: string, orderId: string): string {
  return `/api/customers/${encodeURIComponent(customerId)}/orders/${encodeURIComponent(orderId)}`;
}

/** The hint an `unknown_item` answer of the API ends with. */
export const CATALOG_HINT = "GET /api/products lists the item ids you can order";

/**
 * Rethrows `err`; an `unknown_item` (whose message names the ids, e.g. `Unknown item "123"`) gets
 * {@linkcode CATALOG_HINT} added, so an API client learns where the ids are. The storefront, which
 * only offers listed items, keeps stock's words.
 */
function withCatalogHint(err: unknown): never {
  if (err instanceof ApiError && err.code === "unknown_item") {
    throw new ApiError(err.status, err.code, `${err.message}. ${CATALOG_HINT}`, {
      field: err.field,
      headers: err.headers,
      cause: err,
    });
  }
  throw err;
}

/** The routes above, on their own Hono app (mounted at `/` by `createApp`). */
export function ordersRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const orders = (c: Context<AppEnv>) => gatewayFor(c, deps).orders;
  const auth = () => deps.customerAuth ?? defaultCustomerAuth();

  app.post("/api/customers/:customerId/orders", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const idempotencyKey = ids.idempotencyKey(c.req.header("idempotency-key"));
    const body = await readJsonBody(c.req.raw, deps.maxBodyBytes);
    const parsed = parseOrderBody(body);
    if (!parsed.ok) throw new ApiError(422, "invalid_argument", parsed.message, { field: parsed.field });
    const order = await orders(c).create(customerId, parsed.items, idempotencyKey, parsed.details)
      .catch(withCatalogHint);
    c.header("Location", orderPath(customerId, order.id));
    return c.json(orderJson(order), isPending(order) ? 202 : 201);
  });

  app.get("/api/customers/:customerId/orders", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const cursor = ids.cursor(c.req.query("cursor"));
    const pageSize = ids.pageSize(c.req.query("limit"));
    const page = await orders(c).listOfCustomer(customerId, { cursor, pageSize });
    return c.json({ orders: page.orders.map(orderJson), nextCursor: page.nextCursor });
  });

  app.get("/api/customers/:customerId/orders/:orderId", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const orderId = ids.orderId(c.req.param("orderId"));
    return c.json(orderJson(await orders(c).get(customerId, orderId)));
  });

  app.post("/api/customers/:customerId/orders/:orderId/cancel", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const orderId = ids.orderId(c.req.param("orderId"));
    return c.json(orderJson(await orders(c).cancel(customerId, orderId, "Cancelled by the customer")));
  });

  return app;
}
