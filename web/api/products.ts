/**
 * `GET /api/products`: the catalog from `Stock.ListItems`, with what can still be ordered. The catalog
 * is the customers' shared one (`StockGateway.catalog`: up to a second old, see
 * `gateway/catalog_cache.ts`), and its JSON and the JSON's gzip are made once per catalog read, not
 * once per request (`shared_body.ts`).
 *
 * @module
 */
import { Hono } from "hono";
import type { Item } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { gatewayFor } from "../gateway/mod.ts";
import { SharedBody } from "../shared_body.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { productJson } from "./order_json.ts";

const bodies = new WeakMap<Item[], SharedBody>();

/** The answer's body for `items` (made once per list). */
function bodyOf(items: Item[]): SharedBody {
  let body = bodies.get(items);
  if (body === undefined) {
    body = new SharedBody(JSON.stringify({ products: items.map(productJson) }), "application/json");
    bodies.set(items, body);
  }
  return body;
}

/** The catalog route, on its own Hono app. */
export function productsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/products", async (c) => {
    const items = await gatewayFor(c, deps).stock.catalog();
    return bodyOf(items).response(c);
  });
  return app;
}
