/**
 * `WatchItems`: the items change feed as a gRPC server stream (staff only). Each change staff make to
 * an item (`menu_store.ts`) reaches the watcher with the item as that commit wrote it when this process
 * made the commit and still remembers it, else as read from the store; resumable from a cursor like
 * orders' `WatchOrders`. Web opens one such stream per process and fans it out to the storefronts.
 *
 * @module
 */
import type { handleServerStreamingCall, ServerWritableStream } from "@grpc/grpc-js";
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import { serveChanges } from "../common/change_feed/serve.ts";
import { RpcError } from "../common/errors.ts";
import type { Logger } from "../common/log.ts";
import type { WatchItemsRequest, WatchItemsResponse } from "../common/gen/oms/stock/v1/stock.ts";
import type { StockItem } from "./domain/item.ts";
import { itemToProto } from "./item_proto.ts";
import { ITEM_FEED } from "./menu_store.ts";
import { itemKey } from "./store.ts";

/** What the watch needs. */
export interface WatchItemsDeps {
  /** Stock's store. */
  kv: Deno.Kv;
  log: Logger;
  /** Verifies staff claims. */
  staffClaims: StaffClaims;
  /** See `SETTLE_MS` (tests). */
  settleMs?: number;
}

type Call = ServerWritableStream<WatchItemsRequest, WatchItemsResponse>;

/** The `WatchItems` handler. */
export function watchItems(
  deps: WatchItemsDeps,
): handleServerStreamingCall<WatchItemsRequest, WatchItemsResponse> {
  return (call: Call) => {
    if (deps.staffClaims.fromMetadata(call.metadata) === null) {
      call.emit(
        "error",
        new RpcError(
          "permission_denied",
          "Watching the items is for staff only: the call carries no valid staff claim",
        ).toServiceError(),
      );
      return;
    }
    void serveChanges(call, {
      kv: deps.kv,
      feed: ITEM_FEED,
      cursor: call.request.cursor,
      log: deps.log,
      settleMs: deps.settleMs,
      async toMessage(change, cursor) {
        const item = change.entity as StockItem | undefined ??
          (await deps.kv.get<StockItem>(itemKey(change.record.id))).value ?? undefined;
        return item ? { cursor, item: itemToProto(item) } : null;
      },
    });
  };
}
