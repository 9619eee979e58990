/**
 * The catalog as customers read it (`GET /api/products` and the menu page), shared for a moment by
 * every request of this process instead of one `Stock.ListItems` call per request.
 *
 * - **TTL {@linkcode CATALOG_TTL_MS} (1 s):** a list is served for at most a second after it was read;
 *   availability shown to a customer may be that much behind stock. Stock's reservation at checkout
 *   stays the authority (an order for more than is left is refused with `out_of_stock` as before).
 * - **Single flight:** while a read is under way, other requests wait for it instead of making their
 *   own (a failed read is shared by those waiting, and not kept).
 * - **Invalidated** by every call through which web itself changes stock: restocking, editing an item,
 *   taking it off the menu or back, creating or cancelling an order (see `mod.ts`). The next read after
 *   one goes to stock, so this process reads its own synchronous writes (restock, edits, the units an
 *   order reserves); a read that was under way when the invalidation came is not kept. A cancelled
 *   order's units come back when stock handles `order.cancelled`, asynchronously, so they may show up
 *   to one TTL later.
 *
 * Staff pages read stock directly (`StockGateway.list`), never through this cache.
 *
 * @module
 */
import type { Item, StockServiceClient } from "../../services/common/gen/oms/stock/v1/stock.ts";

/** How long a catalog read is served to customers, in ms. */
export const CATALOG_TTL_MS = 1000;

/** One shared catalog (per stock client). */
export class CatalogCache {
  #items: Item[] | undefined;
  #readAt = 0;
  #inFlight: Promise<Item[]> | undefined;
  #generation = 0;

  /** A cache whose lists are served for `ttlMs` and whose clock is `now`. */
  constructor(readonly ttlMs = CATALOG_TTL_MS, private readonly now: () => number = Date.now) {}

  /** The catalog: the kept one while fresh, else the read under way, else a new `read()`. */
  get(read: () => Promise<Item[]>): Promise<Item[]> {
    if (this.#items && this.now() - this.#readAt < this.ttlMs) return Promise.resolve(this.#items);
    if (this.#inFlight) return this.#inFlight;
    const generation = this.#generation;
    const readAt = this.now();
    const reading = read().then(
      (items) => {
        if (generation === this.#generation) {
          this.#items = items;
          this.#readAt = readAt;
          this.#inFlight = undefined;
        }
        return items;
      },
      (err) => {
        if (generation === this.#generation) this.#inFlight = undefined;
        throw err;
      },
    );
    this.#inFlight = reading;
    return reading;
  }

  /** Forgets the kept list and any read under way: the next `get` reads stock. */
  invalidate(): void {
    this.#generation++;
    this.#items = undefined;
    this.#inFlight = undefined;
  }
}

const caches = new WeakMap<StockServiceClient, CatalogCache>();

/** The catalog cache shared by every request that uses `client`. */
export function catalogCacheOf(client: StockServiceClient): CatalogCache {
  let cache = caches.get(client);
  if (!cache) {
    cache = new CatalogCache();
    caches.set(client, cache);
  }
  return cache;
}
