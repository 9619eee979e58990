/**
 * A stored catalog item as its `oms.stock.v1.Item` message (one mapping, used by every RPC and the
 * watch stream).
 *
 * @module
 */
import type { Item } from "../common/gen/oms/stock/v1/stock.ts";
import type { StockItem } from "./domain/item.ts";

/** Converts a stored item to its proto message. */
export function itemToProto(item: StockItem): Item {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    price: { amount: item.price, currency: item.currency },
    available: item.available,
    reserved: item.reserved,
    sold: item.sold,
    category: item.category ?? "",
    tags: item.tags ?? [],
    allergens: item.allergens ?? [],
    image: item.image ?? "",
    position: item.position ?? 0,
    station: item.station ?? "",
    offMenu: item.offMenu ?? false,
    updatedBy: item.updatedBy,
    updatedAt: item.updatedAt ? new Date(item.updatedAt) : undefined,
  };
}
