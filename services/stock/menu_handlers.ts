/**
 * The menu-control RPCs of `oms.stock.v1.StockService`: UpdateItem, SetOffMenu, SetBusyMinutes (staff
 * only: a valid staff claim of an owner or manager, else PERMISSION_DENIED before anything is read),
 * GetShopStatus (a public read, like ListItems: customers see the busy minutes in their pickup
 * estimate) and WatchItems (staff: web's one shared watch, see `watch.ts`).
 *
 * @module
 */
import { requireManager } from "../common/auth/require_staff.ts";
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import type { ShopStatus, StockServiceServer } from "../common/gen/oms/stock/v1/stock.ts";
import type { UnitOfWork } from "../common/unit_of_work.ts";
import type { ItemEdit } from "./domain/item_edit.ts";
import type { ShopStatusRecord } from "./domain/shop_status.ts";
import { itemToProto } from "./item_proto.ts";
import { setBusyMinutes, setItemOffMenu, updateItem } from "./menu_app.ts";
import { readShopStatus, shopStatusOf } from "./menu_store.ts";
import { watchItems } from "./watch.ts";

/** The RPCs of this module. */
export type MenuRpcs = Pick<
  StockServiceServer,
  "updateItem" | "setOffMenu" | "getShopStatus" | "setBusyMinutes" | "watchItems"
>;

/** What the handlers need. */
export interface MenuHandlerDeps {
  kv: Deno.Kv;
  uow: UnitOfWork;
  log: Logger;
  staffClaims: StaffClaims;
  /** See `SETTLE_MS` (tests). */
  settleMs?: number;
}

/** The shop's status as its proto message. */
export function shopStatusToProto(s: ShopStatusRecord): ShopStatus {
  return {
    busyMinutes: s.busyMinutes,
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt ? new Date(s.updatedAt) : undefined,
  };
}

/** The menu-control handlers. */
export function menuHandlers(deps: MenuHandlerDeps): MenuRpcs {
  const { kv, uow, log, staffClaims } = deps;
  return {
    updateItem: unary(log, async (req, call) => {
      const staff = requireManager(staffClaims, call.metadata, "change items");
      const edit: ItemEdit = {
        name: req.name,
        description: req.description,
        price: req.price,
        category: req.category,
        station: req.station,
        image: req.image,
      };
      const item = await updateItem(uow, req.id, edit, { staff: staff.sub, at: new Date() });
      log.info("item changed", {
        itemId: item.id,
        fields: Object.keys(edit).filter((k) => edit[k as keyof ItemEdit] !== undefined),
        staff: staff.sub,
      });
      return { item: itemToProto(item) };
    }),
    setOffMenu: unary(log, async (req, call) => {
      const staff = requireManager(staffClaims, call.metadata, "take items off the menu");
      const item = await setItemOffMenu(uow, req.itemId, req.offMenu, { staff: staff.sub, at: new Date() });
      log.info(req.offMenu ? "item off the menu" : "item back on the menu", {
        itemId: item.id,
        staff: staff.sub,
      });
      return { item: itemToProto(item) };
    }),
    getShopStatus: unary(
      log,
      async () => ({ status: shopStatusToProto(shopStatusOf(await readShopStatus(kv))) }),
    ),
    setBusyMinutes: unary(log, async (req, call) => {
      const staff = requireManager(staffClaims, call.metadata, "set busy mode");
      const status = await setBusyMinutes(uow, req.minutes, { staff: staff.sub, at: new Date() });
      log.info("busy mode set", { minutes: status.busyMinutes, staff: staff.sub });
      return { status: shopStatusToProto(status) };
    }),
    watchItems: watchItems({ kv, log, staffClaims, settleMs: deps.settleMs }),
  };
}
