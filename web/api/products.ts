/**
 * `GET /api/products`: the catalog from `Stock.ListItems`, with what can still be ordered. The catalog
 * is the customers' shared one (`StockGateway.catalog`: up to a second old, see
 * `gateway/catalog_cache.ts`), and its JSON is made once per catalog read, not once per request.
 *
 * @module
 */
import { Hono } from "hono";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { gatewayFor } from "../gateway/mod.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { productJson } from "./order_json.ts";

const bodies = new WeakMap<Item[], string>();

/** The answer's JSON text for `items` (made once per list). */
function bodyOf(items: Item[]): string {
  let body = bodies.get(items);
  if (body === undefined) {
    body = JSON.stringify({ products: items.map(productJson) });
    bodies.set(items, body);
  }
  return body;
}

/** The catalog route, on its own Hono app. */
export function productsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/products", async (c) => {
    const items = await gatewayFor(c, deps).stock.catalog();
    return c.body(bodyOf(items), 200, { "Content-Type": "application/json" });
  });
  return app;
}
