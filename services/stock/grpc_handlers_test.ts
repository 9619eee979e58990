import assert from "node:assert/strict";
import { Metadata } from "@grpc/grpc-js";
import { unitOfWork } from "../common/unit_of_work.ts";
import { RpcError } from "../common/errors.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { createLogger } from "../common/log.ts";
import { ReservationStatus, StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import type { StockItem } from "./domain/item.ts";
import { MENU } from "./domain/menu.ts";
import { stockService } from "./grpc_handlers.ts";
import { itemKey, seedCatalog } from "./store.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";

const log = createLogger("stock", "warn");

/**
 * Runs `fn` against a stock gRPC server over a fresh KV file with the demo menu: `client` carries only
 * the service token (as orders does), `staff` also a staff claim (as web's admin does).
 */
async function withStock(
  fn: (client: StockServiceClient, kv: Deno.Kv, staff: StockServiceClient) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stock-test-" });
  const kv = await Deno.openKv(`${dir}/stock.kv`);
  await seedCatalog(kv);
  const server = await startGrpcServer("127.0.0.1", 0, [
    stockService(
      kv,
      unitOfWork({ kv, kick: () => {}, log, maxAttempts: 100 }),
      log,
      new StaffClaims(TEST_SERVICE_TOKEN),
    ),
  ], {
    serviceToken: TEST_SERVICE_TOKEN,
  });
  const client = connect(StockServiceClient, `127.0.0.1:${server.port}`, TEST_SERVICE_TOKEN);
  const staff = connect(StockServiceClient, `127.0.0.1:${server.port}`, TEST_SERVICE_TOKEN, {
    staff: TEST_STAFF,
  });
  try {
    await fn(client, kv, staff);
  } finally {
    client.close();
    staff.close();
    await server.stop(100);
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function setStock(kv: Deno.Kv, id: string, available: number): Promise<void> {
  const item = (await kv.get<StockItem>(itemKey(id))).value!;
  await kv.set(itemKey(id), { ...item, available, reserved: 0, sold: 0 });
}

async function rejectsWith(p: Promise<unknown>, code: string, field?: string): Promise<RpcError> {
  let caught: unknown;
  await p.catch((err) => caught = err);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field);
  return caught;
}

Deno.test("ListItems returns the seeded menu in menu order with EUR prices and its menu fields", async () => {
  await withStock(async (client) => {
    const { items } = await rpc(client, "listItems", {});
    assert.deepEqual(items.map((i) => i.id), MENU.map((m) => m.id));
    assert.deepEqual(items.map((i) => i.position), MENU.map((m) => m.position), "ascending positions");
    for (const i of items) {
      assert.equal(i.price?.currency, "EUR");
      assert.ok(i.available > 0);
      assert.ok(["Pizzas", "Salads", "Desserts", "Drinks"].includes(i.category), i.category);
      assert.match(i.image, /^\/menu\/[a-z0-9-]+\.svg$/);
    }
    const tiramisu = items.find((i) => i.id === "8")!;
    assert.deepEqual([tiramisu.tags, tiramisu.allergens], [["vegetarian"], ["gluten", "eggs", "milk"]]);
  });
});

Deno.test("GetItem returns an item and not_found names an unknown id", async () => {
  await withStock(async (client) => {
    const { item } = await rpc(client, "getItem", { id: "1" });
    assert.equal(item?.name, "Margherita");
    const err = await rejectsWith(rpc(client, "getItem", { id: "pizza-xx" }), "not_found");
    assert.equal(err.message, 'Item "pizza-xx" not found');
  });
});

Deno.test("ReserveItems never lets stock go below zero", async () => {
  await withStock(async (client, kv) => {
    await setStock(kv, "1", 20);
    const results = await Promise.allSettled(
      Array.from(
        { length: 50 },
        (_, n) => rpc(client, "reserveItems", { orderId: `o-${n}`, items: [{ itemId: "1", quantity: 1 }] }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(ok.length, 20);
    for (const f of failed) {
      assert.ok(f.reason instanceof RpcError);
      assert.equal(f.reason.code, "out_of_stock");
    }
    const { item } = await rpc(client, "getItem", { id: "1" });
    assert.equal(item?.available, 0);
    assert.equal(item?.reserved, 20);
  });
});

Deno.test("ReserveItems is all-or-nothing: one short line reserves nothing", async () => {
  await withStock(async (client, kv) => {
    await setStock(kv, "1", 1);
    const before = (await rpc(client, "listItems", {})).items;
    const err = await rejectsWith(
      rpc(client, "reserveItems", {
        orderId: "o-1",
        items: [{ itemId: "2", quantity: 2 }, { itemId: "1", quantity: 3 }],
      }),
      "out_of_stock",
      "items",
    );
    assert.equal(err.message, "Not enough stock for: Margherita (requested 3, available 1)");
    assert.deepEqual(err.shortages, [{ itemId: "1", name: "Margherita", requested: 3, available: 1 }]);
    assert.deepEqual((await rpc(client, "listItems", {})).items, before);
    await rejectsWith(rpc(client, "getReservation", { orderId: "o-1" }), "not_found");
  });
});

Deno.test("ReserveItems is idempotent per order id", async () => {
  await withStock(async (client) => {
    const req = { orderId: "o-1", items: [{ itemId: "1", quantity: 2 }, { itemId: "2", quantity: 1 }] };
    const first = await rpc(client, "reserveItems", req);
    const again = await rpc(client, "reserveItems", {
      orderId: "o-1",
      items: [{ itemId: "2", quantity: 1 }, { itemId: "1", quantity: 2 }],
    });
    assert.deepEqual(again, first);
    const { item } = await rpc(client, "getItem", { id: "1" });
    assert.equal(item?.reserved, 2);
    await rejectsWith(
      rpc(client, "reserveItems", { orderId: "o-1", items: [{ itemId: "1", quantity: 5 }] }),
      "already_exists",
      "order_id",
    );
  });
});

Deno.test("ReserveItems names every unknown item", async () => {
  await withStock(async (client) => {
    const err = await rejectsWith(
      rpc(client, "reserveItems", {
        orderId: "o-1",
        items: [{ itemId: "1", quantity: 1 }, { itemId: "pizza-xx", quantity: 1 }, {
          itemId: "99",
          quantity: 1,
        }],
      }),
      "unknown_item",
      "items[1].id",
    );
    assert.equal(err.message, 'Unknown items "pizza-xx", "99"');
    const { item } = await rpc(client, "getItem", { id: "1" });
    assert.equal(item?.reserved, 0);
  });
});

Deno.test("ReserveItems merges duplicate lines, prices the reservation and snapshots each item's station", async () => {
  await withStock(async (client) => {
    const { reservation } = await rpc(client, "reserveItems", {
      orderId: "o-1",
      items: [{ itemId: "1", quantity: 1 }, { itemId: "2", quantity: 1 }, { itemId: "1", quantity: 2 }],
    });
    assert.equal(reservation?.status, ReservationStatus.RESERVATION_STATUS_RESERVED);
    assert.deepEqual(reservation?.lines, [
      {
        itemId: "1",
        name: "Margherita",
        quantity: 3,
        unitPrice: { amount: 850, currency: "EUR" },
        station: "oven",
      },
      {
        itemId: "2",
        name: "Marinara",
        quantity: 1,
        unitPrice: { amount: 700, currency: "EUR" },
        station: "oven",
      },
    ]);
    assert.deepEqual(reservation?.total, { amount: 3 * 850 + 700, currency: "EUR" });
    const got = await rpc(client, "getReservation", { orderId: "o-1" });
    assert.deepEqual(got.reservation, reservation);
    const { item } = await rpc(client, "getItem", { id: "1" });
    assert.equal(item?.reserved, 3);
    assert.equal(item?.available, 22);
  });
});

Deno.test("ReserveItems validates order id and quantities, naming the field", async () => {
  await withStock(async (client) => {
    await rejectsWith(
      rpc(client, "reserveItems", { orderId: "", items: [{ itemId: "1", quantity: 1 }] }),
      "invalid_argument",
      "order_id",
    );
    await rejectsWith(
      rpc(client, "reserveItems", { orderId: "o-1", items: [] }),
      "invalid_argument",
      "items",
    );
    await rejectsWith(
      rpc(client, "reserveItems", {
        orderId: "o-1",
        items: [{ itemId: "1", quantity: 1 }, { itemId: "2", quantity: 1 }, { itemId: "3", quantity: 1001 }],
      }),
      "invalid_argument",
      "items[2].quantity",
    );
    await rejectsWith(
      rpc(client, "reserveItems", { orderId: "o-1", items: [{ itemId: "1", quantity: -1 }] }),
      "invalid_argument",
      "items[0].quantity",
    );
  });
});

Deno.test("Restock adds available units and rejects a quantity that is not positive", async () => {
  await withStock(async (client, _kv, staff) => {
    const { item } = await rpc(staff, "restock", { itemId: "8", quantity: 5 });
    assert.equal(item?.available, 15);
    await rejectsWith(rpc(staff, "restock", { itemId: "8", quantity: 0 }), "invalid_argument", "quantity");
    await rejectsWith(rpc(staff, "restock", { itemId: "8", quantity: -3 }), "invalid_argument", "quantity");
    const err = await rejectsWith(rpc(staff, "restock", { itemId: "nope", quantity: 1 }), "not_found");
    assert.equal(err.message, 'Item "nope" not found');
    assert.equal((await rpc(client, "getItem", { id: "8" })).item?.available, 15);
  });
});

Deno.test("Restock without a valid staff claim is PERMISSION_DENIED and changes nothing", async () => {
  await withStock(async (client, kv) => {
    const before = (await kv.get<StockItem>(itemKey("8"))).value;
    const err = await rejectsWith(rpc(client, "restock", { itemId: "8", quantity: 5 }), "permission_denied");
    assert.equal(err.message, "Restocking an item is for staff only: the call carries no valid staff claim");
    // a claim signed under another token is no claim
    const forged = new StaffClaims("another-service-token-0123456789abcdef-x");
    const metadata = forged.attach(new Metadata(), TEST_STAFF);
    await rejectsWith(
      rpc(client, "restock", { itemId: "8", quantity: 5 }, { metadata }),
      "permission_denied",
    );
    assert.deepEqual((await kv.get<StockItem>(itemKey("8"))).value, before, "the item is unchanged");
    // the calls services make to each other need no claim
    const { reservation } = await rpc(client, "reserveItems", {
      orderId: "o-svc",
      items: [{ itemId: "8", quantity: 1 }],
    });
    assert.equal(reservation?.status, ReservationStatus.RESERVATION_STATUS_RESERVED);
  });
});
