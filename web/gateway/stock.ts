/**
 * The stock facade: the catalog with its levels, and restocking (staff).
 *
 * @module
 */
import type { Item, StockServiceClient } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { type Caller, caller, type CallOptsSource } from "./call.ts";

/** The stock service, for one request. */
export class StockGateway {
  readonly #call: Caller<StockServiceClient>;

  /** A facade over `client` whose calls carry the options from `opts`. */
  constructor(client: StockServiceClient, opts: CallOptsSource) {
    this.#call = caller("stock", client, opts);
  }

  /** Every catalog item with its price and units available, reserved and sold. */
  async list(): Promise<Item[]> {
    return (await this.#call("listItems", {})).items;
  }

  /** Staff: adds `quantity` units of `itemId`; the item afterwards, or null when stock did not say. */
  async restock(itemId: string, quantity: number): Promise<Item | null> {
    return (await this.#call("restock", { itemId, quantity })).item ?? null;
  }
}
