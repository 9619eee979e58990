/**
 * The catalog as the cart needs it: every item's id, name, price and units left, from stock.
 *
 * @module
 */
import { productJson } from "../api/order_json.ts";
import type { ShopState } from "../customer.ts";
import type { RouteContext } from "../framework/types.ts";
import { gatewayFor } from "../gateway/mod.ts";
import type { CatalogItem } from "./cart_view.ts";

/** The catalog (one `ListItems` call). */
export async function loadCatalog<D>(ctx: RouteContext<D, ShopState>): Promise<CatalogItem[]> {
  const items = await gatewayFor(ctx.hono, ctx.deps).stock.list();
  return items.map(productJson).map(({ id, name, price, available }) => ({ id, name, price, available }));
}
