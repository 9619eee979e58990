/**
 * `GET /api/products`: the catalog from `Stock.ListItems`, with what can still be ordered.
 *
 * @module
 */
import { Hono } from "hono";
import { gatewayFor } from "../gateway/mod.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { productJson } from "./order_json.ts";

/** The catalog route, on its own Hono app. */
export function productsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/products", async (c) => {
    const items = await gatewayFor(c, deps).stock.list();
    return c.json({ products: items.map(productJson) });
  });
  return app;
}
