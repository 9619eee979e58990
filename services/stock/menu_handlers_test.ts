import assert from "node:assert/strict";
import { unitOfWork } from "../common/unit_of_work.ts";
import { RpcError } from "../common/errors.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { createLogger } from "../common/log.ts";
import { StockServiceClient, type WatchItemsResponse } from "../common/gen/oms/stock/v1/stock.ts";
import { stockService } from "./grpc_handlers.ts";
import { seedCatalog } from "./store.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { Metadata } from "@grpc/grpc-js";

const log = createLogger("stock", "warn");

interface Clients {
  /** Only the service token (as orders calls). */
  service: StockServiceClient;
  /** A staff claim of an owner (as web's admin calls). */
  staff: StockServiceClient;
  /** A staff claim of the kitchen role. */
  kitchen: StockServiceClient;
}

async function withStock(fn: (c: Clients) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stock-menu-test-" });
  const kv = await Deno.openKv(`${dir}/stock.kv`);
  await seedCatalog(kv);
  const server = await startGrpcServer("127.0.0.1", 0, [
    stockService(kv, unitOfWork({ kv, kick: () => {}, log }), log, new StaffClaims(TEST_SERVICE_TOKEN)),
  ], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const c: Clients = {
    service: connect(StockServiceClient, addr, TEST_SERVICE_TOKEN),
    staff: connect(StockServiceClient, addr, TEST_SERVICE_TOKEN, { staff: TEST_STAFF }),
    kitchen: connect(StockServiceClient, addr, TEST_SERVICE_TOKEN, {
      staff: { sub: "cook", role: "kitchen" },
    }),
  };
  try {
    await fn(c);
  } finally {
    for (const client of Object.values(c)) client.close();
    await server.stop(100);
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsWith(p: Promise<unknown>, code: string, field?: string): Promise<RpcError> {
  let caught: unknown;
  await p.catch((err) => caught = err);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field);
  return caught;
}

const EUR = (amount: number) => ({ amount, currency: "EUR" });

Deno.test("every new staff RPC refuses a call without a staff claim, or of the kitchen role, and changes nothing", async () => {
  await withStock(async ({ service, staff, kitchen }) => {
    const before = (await rpc(service, "listItems", {})).items;
    for (const client of [service, kitchen]) {
      await rejectsWith(
        rpc(client, "updateItem", { id: "1", name: "Hacked", price: EUR(1) }),
        "permission_denied",
      );
      await rejectsWith(rpc(client, "setOffMenu", { itemId: "1", offMenu: true }), "permission_denied");
      await rejectsWith(rpc(client, "setBusyMinutes", { minutes: 60 }), "permission_denied");
    }
    assert.deepEqual((await rpc(service, "listItems", {})).items, before, "nothing changed");
    assert.equal((await rpc(service, "getShopStatus", {})).status?.busyMinutes, 0);

    // the watch: refused without a claim, served with one
    const refused = await new Promise<number | undefined>((resolve) => {
      const s = service.watchItems({ cursor: "" }, new Metadata());
      s.on("error", (err: { code?: number }) => resolve(err.code));
      s.on("data", () => resolve(undefined));
    });
    assert.equal(refused, 7, "PERMISSION_DENIED");
    const ok = staff.watchItems({ cursor: "" }, new Metadata());
    const first = new Promise<WatchItemsResponse>((resolve, reject) => {
      ok.on("data", resolve);
      ok.on("error", reject);
    });
    await new Promise((r) => setTimeout(r, 100));
    await rpc(staff, "setOffMenu", { itemId: "1", offMenu: true });
    const got = await first;
    ok.cancel();
    assert.equal(got.item?.id, "1");
    assert.equal(got.item?.offMenu, true);
    assert.ok(got.cursor !== "");
  });
});

Deno.test("UpdateItem changes the menu fields, records the staff member, and refuses bad fields naming them", async () => {
  await withStock(async ({ service, staff }) => {
    const { item } = await rpc(staff, "updateItem", {
      id: "1",
      name: "Margherita DOP",
      description: "San Marzano tomatoes",
      price: EUR(990),
      category: "Classics",
      station: "oven",
      image: "",
    });
    assert.equal(item?.name, "Margherita DOP");
    assert.equal(item?.price?.amount, 990);
    assert.deepEqual([item?.category, item?.station, item?.image], ["Classics", "oven", ""]);
    assert.equal(item?.updatedBy, TEST_STAFF.sub);
    assert.ok(item?.updatedAt instanceof Date);

    // only what is set changes
    const { item: renamed } = await rpc(staff, "updateItem", {
      id: "1",
      name: "Margherita",
      price: undefined,
    });
    assert.deepEqual([renamed?.name, renamed?.price?.amount, renamed?.category], [
      "Margherita",
      990,
      "Classics",
    ]);

    const before = (await rpc(service, "getItem", { id: "1" })).item;
    await rejectsWith(
      rpc(staff, "updateItem", { id: "1", name: "", price: undefined }),
      "invalid_argument",
      "name",
    );
    await rejectsWith(rpc(staff, "updateItem", { id: "1", price: EUR(0) }), "invalid_argument", "price");
    await rejectsWith(
      rpc(staff, "updateItem", { id: "1", price: { amount: 500, currency: "USD" } }),
      "invalid_argument",
      "price",
    );
    await rejectsWith(
      rpc(staff, "updateItem", { id: "1", description: "x".repeat(501), price: undefined }),
      "invalid_argument",
      "description",
    );
    await rejectsWith(
      rpc(staff, "updateItem", { id: "1", station: "the oven!", price: undefined }),
      "invalid_argument",
      "station",
    );
    await rejectsWith(
      rpc(staff, "updateItem", { id: "1", image: "javascript:alert(1)", price: undefined }),
      "invalid_argument",
      "image",
    );
    await rejectsWith(
      rpc(staff, "updateItem", { id: "nope", name: "X", price: undefined }),
      "not_found",
      "id",
    );
    assert.deepEqual(
      (await rpc(service, "getItem", { id: "1" })).item,
      before,
      "nothing changed on bad input",
    );
  });
});

Deno.test("a price change keeps the prices of reservations already made; new ones get the new price", async () => {
  await withStock(async ({ service, staff }) => {
    const placed = await rpc(service, "reserveItems", {
      orderId: "o-before",
      items: [{ itemId: "1", quantity: 2 }],
    });
    assert.equal(placed.reservation?.lines[0]?.unitPrice?.amount, 850);
    await rpc(staff, "updateItem", { id: "1", price: EUR(1200) });
    const kept = await rpc(service, "getReservation", { orderId: "o-before" });
    assert.equal(kept.reservation?.lines[0]?.unitPrice?.amount, 850);
    assert.equal(kept.reservation?.total?.amount, 1700);
    const retried = await rpc(service, "reserveItems", {
      orderId: "o-before",
      items: [{ itemId: "1", quantity: 2 }],
    });
    assert.equal(retried.reservation?.total?.amount, 1700, "a retried reservation is the one made");
    const after = await rpc(service, "reserveItems", {
      orderId: "o-after",
      items: [{ itemId: "1", quantity: 2 }],
    });
    assert.equal(after.reservation?.lines[0]?.unitPrice?.amount, 1200);
    assert.equal(after.reservation?.total?.amount, 2400);
  });
});

Deno.test("an item off the menu is listed as off_menu and never reserved; back on, it is", async () => {
  await withStock(async ({ service, staff }) => {
    const { item } = await rpc(staff, "setOffMenu", { itemId: "8", offMenu: true });
    assert.equal(item?.offMenu, true);
    assert.equal(item?.updatedBy, TEST_STAFF.sub);
    const listed = (await rpc(service, "listItems", {})).items.find((i) => i.id === "8");
    assert.equal(listed?.offMenu, true);
    assert.ok((listed?.available ?? 0) > 0, "its stock is kept");
    const err = await rejectsWith(
      rpc(service, "reserveItems", {
        orderId: "o-1",
        items: [{ itemId: "1", quantity: 1 }, { itemId: "8", quantity: 1 }],
      }),
      "item_unavailable",
      "items[1].id",
    );
    assert.match(err.message, /^Tiramisu is not available today/);
    assert.deepEqual(err.shortages.map((s) => [s.itemId, s.available]), [["8", 0]]);
    assert.equal((await rpc(service, "getItem", { id: "1" })).item?.reserved, 0, "nothing reserved");
    await rejectsWith(rpc(staff, "setOffMenu", { itemId: "nope", offMenu: true }), "not_found", "item_id");

    await rpc(staff, "setOffMenu", { itemId: "8", offMenu: false });
    const ok = await rpc(service, "reserveItems", { orderId: "o-1", items: [{ itemId: "8", quantity: 1 }] });
    assert.equal(ok.reservation?.lines[0]?.itemId, "8");
  });
});

Deno.test("busy mode: stored by stock, read by anyone, set by staff within 0..120", async () => {
  await withStock(async ({ service, staff }) => {
    assert.equal((await rpc(service, "getShopStatus", {})).status?.busyMinutes, 0);
    const { status } = await rpc(staff, "setBusyMinutes", { minutes: 25 });
    assert.equal(status?.busyMinutes, 25);
    assert.equal(status?.updatedBy, TEST_STAFF.sub);
    assert.equal((await rpc(service, "getShopStatus", {})).status?.busyMinutes, 25);
    await rejectsWith(rpc(staff, "setBusyMinutes", { minutes: 121 }), "invalid_argument", "minutes");
    await rejectsWith(rpc(staff, "setBusyMinutes", { minutes: -1 }), "invalid_argument", "minutes");
    assert.equal((await rpc(service, "getShopStatus", {})).status?.busyMinutes, 25, "unchanged");
  });
});
