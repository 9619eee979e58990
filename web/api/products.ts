/**
 * `GET /api/products`: the catalog from `Stock.ListItems`, with what can still be ordered.
 *
 * @module
 */
import { Hono } from "hono";
import { rpc } from "../../services/common/grpc_client.ts";
import { type AppDeps, type AppEnv, callOpts, upstream } from "./deps.ts";
import { productJson } from "./order_json.ts";

/** The catalog route, on its own Hono app. */
export function productsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/products", async (c) => {
    const res = await upstream("stock", rpc(deps.clients.stock, "listItems", {}, callOpts(c, deps)));
    return c.json({ products: res.items.map(productJson) });
  });
  return app;
}
