/**
 * Stock's menu-control use cases, for staff: edit an item's menu fields, take it off the menu ("86")
 * or bring it back, and set the shop's busy mode. Each runs in one unit-of-work commit that checks
 * what it read (a concurrent reservation makes it read again), writes the item with who changed it
 * and its change record (`menu_store.ts`), so `WatchItems` streams it at once.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import type { UnitOfWork } from "../common/unit_of_work.ts";
import type { StockItem } from "./domain/item.ts";
import { type ChangedBy, editItem, type ItemEdit, setOffMenu } from "./domain/item_edit.ts";
import { setBusy, type ShopStatusRecord } from "./domain/shop_status.ts";
import { addItemChange, readShopStatus, SHOP_STATUS_KEY } from "./menu_store.ts";
import { itemKey } from "./store.ts";

async function changeItem(
  uow: UnitOfWork,
  id: string,
  field: string,
  change: (item: StockItem) => { item: StockItem; kind: string } | null,
  useCase: string,
): Promise<StockItem> {
  return await uow.run(async ({ kv, op }) => {
    const e = await kv.get<StockItem>(itemKey(id));
    if (e.value === null) throw new DomainError("not_found", `Item "${id}" not found`, { field });
    const next = change(e.value);
    if (next === null) return e.value;
    op.check(e);
    addItemChange(op, next.item, next.kind);
    return next.item;
  }, useCase);
}

/**
 * Applies `edit` to item `id` (see `domain/item_edit.ts` for the rules), recording `by`. Throws
 * `not_found` (field `id`) or `invalid_argument` naming the field; nothing changes then. Reservations
 * already made keep their prices.
 */
export function updateItem(uow: UnitOfWork, id: string, edit: ItemEdit, by: ChangedBy): Promise<StockItem> {
  return changeItem(
    uow,
    id,
    "id",
    (item) => ({ item: editItem(item, edit, by), kind: "updated" }),
    "updateItem",
  );
}

/**
 * Takes item `itemId` off the menu (`offMenu`) or brings it back, recording `by`. Setting what it
 * already is changes nothing (and records nothing).
 */
export function setItemOffMenu(
  uow: UnitOfWork,
  itemId: string,
  offMenu: boolean,
  by: ChangedBy,
): Promise<StockItem> {
  return changeItem(
    uow,
    itemId,
    "item_id",
    (item) =>
      (item.offMenu === true) === offMenu
        ? null
        : { item: setOffMenu(item, offMenu, by), kind: offMenu ? "off_menu" : "on_menu" },
    "setOffMenu",
  );
}

/** Sets the shop's busy mode to `minutes` extra minutes (0..120), recording `by`. */
export function setBusyMinutes(uow: UnitOfWork, minutes: number, by: ChangedBy): Promise<ShopStatusRecord> {
  const status = setBusy(minutes, by.staff, by.at);
  return uow.run(async ({ kv, op }) => {
    op.check(await readShopStatus(kv)).set(SHOP_STATUS_KEY, status);
    return status;
  }, "setBusyMinutes");
}
