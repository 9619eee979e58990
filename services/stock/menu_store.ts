/**
 * Stock's KV layout for menu control (beside `store.ts`):
 *
 * - `["shop", "status"]` -> {@linkcode ShopStatusRecord} (busy mode), absent until staff set it
 * - the change feed {@linkcode ITEM_FEED} (`common/change_feed`): one record per change staff make to an
 *   item (menu fields, 86, restock), written in the same commit as the item, followed by `WatchItems`.
 *   Reservations write no record: the hot path stays as it was.
 *
 * @module
 */
import { recordChange } from "../common/change_feed/mod.ts";
import type { StockItem } from "./domain/item.ts";
import { NOT_BUSY, type ShopStatusRecord } from "./domain/shop_status.ts";
import { itemKey } from "./store.ts";

/** The change feed of items. */
export const ITEM_FEED = "items";

/** KV key of the shop's status. */
export const SHOP_STATUS_KEY: Deno.KvKey = ["shop", "status"];

/** The shop's status entry (versionstamp null while nobody has set it). */
export async function readShopStatus(kv: Deno.Kv): Promise<Deno.KvEntryMaybe<ShopStatusRecord>> {
  return await kv.get<ShopStatusRecord>(SHOP_STATUS_KEY);
}

/** The shop's status, {@linkcode NOT_BUSY} when nobody has set it. */
export function shopStatusOf(entry: Deno.KvEntryMaybe<ShopStatusRecord>): ShopStatusRecord {
  return entry.value ?? NOT_BUSY;
}

/**
 * Adds writing `item` to `op` with its change record (`kind` says what changed, e.g. `updated`,
 * `off_menu`, `on_menu`, `restocked`), so watchers see the item as this commit leaves it.
 */
export function addItemChange(op: Deno.AtomicOperation, item: StockItem, kind: string): void {
  op.set(itemKey(item.id), item);
  recordChange(op, ITEM_FEED, { id: item.id, status: kind, entity: item });
}
