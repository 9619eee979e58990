/**
 * The stock facade: the catalog with its levels, restocking, and menu control for staff (editing an
 * item, taking it off the menu, busy mode), the shop's status, and watching the items' changes (a
 * server stream, see `stream.ts`).
 *
 * @module
 */
import type { ClientReadableStream } from "@grpc/grpc-js";
import type {
  Item,
  ShopStatus,
  StockServiceClient,
  UpdateItemRequest,
  WatchItemsRequest,
  WatchItemsResponse,
} from "../../services/common/gen/oms/stock/v1/stock.ts";
import { type Caller, caller, type CallOptsSource, present } from "./call.ts";
import { catalogCacheOf } from "./catalog_cache.ts";
import { openStream } from "./stream.ts";

/** An item's menu fields to change; each absent one stays as it is. */
export type ItemChanges = Omit<UpdateItemRequest, "id" | "price"> & { price?: UpdateItemRequest["price"] };

/** The stock service, for one request. */
export class StockGateway {
  readonly #call: Caller<StockServiceClient>;
  readonly #client: StockServiceClient;
  readonly #opts: CallOptsSource;

  /** A facade over `client` whose calls carry the options from `opts`. */
  constructor(client: StockServiceClient, opts: CallOptsSource) {
    this.#call = caller("stock", client, opts);
    this.#client = client;
    this.#opts = opts;
  }

  /** Every catalog item with its price and units available, reserved and sold (read now: for staff). */
  async list(): Promise<Item[]> {
    return (await this.#call("listItems", {})).items;
  }

  /**
   * The catalog as customers see it: {@linkcode list} shared by this process's requests for up to a
   * second (`catalog_cache.ts`: single flight, invalidated by web's own stock changes).
   */
  catalog(): Promise<Item[]> {
    return catalogCacheOf(this.#client).get(() => this.list());
  }

  /** Forgets the shared catalog (after a call that may have changed stock). */
  #changed(): void {
    catalogCacheOf(this.#client).invalidate();
  }

  /** One item (404 `not_found` when there is none). */
  async get(id: string): Promise<Item> {
    return present((await this.#call("getItem", { id })).item, "item");
  }

  /** Staff: adds `quantity` units of `itemId`; the item afterwards, or null when stock did not say. */
  async restock(itemId: string, quantity: number): Promise<Item | null> {
    try {
      return (await this.#call("restock", { itemId, quantity })).item ?? null;
    } finally {
      this.#changed();
    }
  }

  /** Staff: changes item `id`'s menu fields (422 naming a bad field; nothing changes then). */
  async update(id: string, changes: ItemChanges): Promise<Item> {
    try {
      return present((await this.#call("updateItem", { ...changes, id, price: changes.price })).item, "item");
    } finally {
      this.#changed();
    }
  }

  /** Staff: takes item `itemId` off the menu ("86", `offMenu` true) or brings it back. */
  async setOffMenu(itemId: string, offMenu: boolean): Promise<Item> {
    try {
      return present((await this.#call("setOffMenu", { itemId, offMenu })).item, "item");
    } finally {
      this.#changed();
    }
  }

  /** The shop's status: busy mode's extra minutes. */
  async shopStatus(): Promise<ShopStatus> {
    return present((await this.#call("getShopStatus", {})).status, "status");
  }

  /** Staff: sets busy mode's extra minutes (0..120). */
  async setBusyMinutes(minutes: number): Promise<ShopStatus> {
    return present((await this.#call("setBusyMinutes", { minutes })).status, "status");
  }

  /** Staff: the items' changes from `request.cursor` ("" = from now) as a server stream. */
  watchItems(request: WatchItemsRequest, signal?: AbortSignal): ClientReadableStream<WatchItemsResponse> {
    return openStream((r, m) => this.#client.watchItems(r, m), request, this.#opts, signal);
  }
}
