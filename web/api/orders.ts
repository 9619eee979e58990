/**
 * Customer order routes:
 *
 * - `POST /api/customers/:customerId/orders` creates an order (201, or 202 while it waits for a
 *   payment link), idempotent per `Idempotency-Key`;
 * - `GET /api/customers/:customerId/orders` lists the customer's orders, newest first (`?cursor`, `?limit`);
 * - `GET /api/customers/:customerId/orders/:orderId` shows one (404 when it is not theirs);
 * - `POST /api/customers/:customerId/orders/:orderId/cancel` cancels an unpaid order.
 *
 * Every route needs proof that the caller is the path's customer (a bearer token or the storefront's
 * cookie): 401 without, 403 for another customer's proof (see `customer_auth.ts`).
 *
 * @module
 */
import { Hono } from "hono";
import { rpc } from "../../services/common/grpc_client.ts";
import { authorizeCustomer, defaultCustomerAuth } from "../customer_auth.ts";
import type { Order } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { readJsonBody } from "./body.ts";
import { type AppDeps, type AppEnv, callOpts, upstream } from "./deps.ts";
import { ApiError, internalError } from "./errors.ts";
import * as ids from "./ids.ts";
import { isPending, orderJson } from "./order_json.ts";
import { parseOrderBody } from "./parse_order_body.ts";

/** The API path of an order. */
export function orderPath(customerId: string, orderId: string): string {
  return `/api/customers/${encodeURIComponent(customerId)}/orders/${encodeURIComponent(orderId)}`;
}

function present(order: Order | undefined): Order {
  if (!order) throw internalError(new Error("orders answered without an order"));
  return order;
}

/** The routes above, on their own Hono app (mounted at `/` by `createApp`). */
export function ordersRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { orders } = deps.clients;
  const auth = () => deps.customerAuth ?? defaultCustomerAuth();

  app.post("/api/customers/:customerId/orders", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const idempotencyKey = ids.idempotencyKey(c.req.header("idempotency-key"));
    const body = await readJsonBody(c.req.raw, deps.maxBodyBytes);
    const parsed = parseOrderBody(body);
    if (!parsed.ok) throw new ApiError(422, "invalid_argument", parsed.message, { field: parsed.field });
    const res = await upstream(
      "orders",
      rpc(orders, "createOrder", { customerId, items: parsed.items, idempotencyKey }, callOpts(c, deps)),
    );
    const order = present(res.order);
    c.header("Location", orderPath(customerId, order.id));
    return c.json(orderJson(order), isPending(order) ? 202 : 201);
  });

  app.get("/api/customers/:customerId/orders", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const cursor = ids.cursor(c.req.query("cursor"));
    const pageSize = ids.pageSize(c.req.query("limit"));
    const res = await upstream(
      "orders",
      rpc(orders, "listCustomerOrders", { customerId, cursor, pageSize }, callOpts(c, deps)),
    );
    return c.json({ orders: res.orders.map(orderJson), nextCursor: res.nextCursor });
  });

  app.get("/api/customers/:customerId/orders/:orderId", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const orderId = ids.orderId(c.req.param("orderId"));
    const res = await upstream(
      "orders",
      rpc(orders, "getOrder", { orderId, customerId, admin: false }, callOpts(c, deps)),
    );
    const order = present(res.order);
    if (order.customerId !== customerId) throw notFound(orderId);
    return c.json(orderJson(order));
  });

  app.post("/api/customers/:customerId/orders/:orderId/cancel", async (c) => {
    const customerId = ids.customerId(c.req.param("customerId"));
    await authorizeCustomer(c, auth(), customerId);
    const orderId = ids.orderId(c.req.param("orderId"));
    const res = await upstream(
      "orders",
      rpc(
        orders,
        "cancelOrder",
        { orderId, customerId, admin: false, reason: "Cancelled by the customer" },
        callOpts(c, deps),
      ),
    );
    return c.json(orderJson(present(res.order)));
  });

  return app;
}

function notFound(orderId: string): ApiError {
  return new ApiError(404, "not_found", `Order "${orderId}" not found`);
}
