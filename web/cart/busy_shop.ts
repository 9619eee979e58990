/**
 * The shop as customers see it now: this process's settings with staff's busy mode added to the
 * preparation estimate (`shop.ts` `withBusyMinutes`). Busy mode is stored by stock, so every web
 * replica reads the same value: one `GetShopStatus` call per checkout page, no cache (a change shows
 * on the next page load everywhere). If stock does not answer, the page still works with the shop's
 * own estimate (and says so in the log): the pickup times then are only as early as without busy mode.
 *
 * @module
 */
import type { ShopState } from "../customer.ts";
import type { RouteContext } from "../framework/types.ts";
import { gatewayFor } from "../gateway/mod.ts";
import { processShop, type ShopConfig, withBusyMinutes } from "../shop.ts";

/** The busy minutes stock holds (0 when stock does not answer). */
export async function busyMinutes<D>(ctx: RouteContext<D, ShopState>): Promise<number> {
  try {
    return (await gatewayFor(ctx.hono, ctx.deps).stock.shopStatus()).busyMinutes;
  } catch (err) {
    ctx.deps.log.warn("busy mode unknown: stock did not answer", { err: (err as Error).message });
    return 0;
  }
}

/** The shop's settings with busy mode applied. */
export async function busyShop<D>(ctx: RouteContext<D, ShopState>): Promise<ShopConfig> {
  return withBusyMinutes(ctx.state.shop ?? processShop(), await busyMinutes(ctx));
}
