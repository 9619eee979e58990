import assert from "node:assert/strict";
import { enqueueEvent, OUTBOX_PREFIX } from "../common/bus/outbox.ts";
import { newOrder, type Order } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import {
  addCreate,
  addUpdate,
  BY_CUSTOMER,
  BY_STATUS,
  BY_TIME,
  countOrders,
  getOrder,
  listCustomerOrders,
  listOrders,
} from "./store.ts";

async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orders-store-" });
  const kv = await Deno.openKv(`${dir}/orders.kv`);
  try {
    await fn(kv);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function order(id: string, customerId: string, atMs: number): Order {
  return newOrder({
    id,
    customerId,
    items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    at: new Date(atMs),
    cause: "customer",
    traceId: "",
  });
}

async function keys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const e of kv.list({ prefix })) out.push(e.key);
  return out;
}

function step(o: Order, to: Order["status"]): Order {
  return transition(o, to, { cause: "test", at: new Date(o.updatedAt.getTime() + 1), traceId: "" }).order!;
}

Deno.test("addCreate writes the order, its three index entries, its count and the outbox event in one commit", async () => {
  await withKv(async (kv) => {
    const o = order("o1", "alice", 1_700_000_000_000);
    const op = addCreate(kv.atomic(), o);
    enqueueEvent(op, "order.created", {
      orderId: o.id,
      customerId: o.customerId,
      items: o.items,
      total: o.total,
      createdAt: o.createdAt,
      number: 0,
      details: undefined,
    });
    assert.equal((await op.commit()).ok, true);
    assert.deepEqual((await getOrder(kv, "o1"))?.order, o);
    assert.deepEqual(await keys(kv, BY_CUSTOMER), [["orders_by_customer", "alice", "001700000000000/o1"]]);
    assert.deepEqual(await keys(kv, BY_STATUS), [["orders_by_status", "pending", 1_700_000_000_000, "o1"]]);
    assert.deepEqual(await keys(kv, BY_TIME), [["orders_by_time", 1_700_000_000_000, "o1"]]);
    assert.equal((await countOrders(kv)).pending, 1);
    assert.equal((await keys(kv, OUTBOX_PREFIX)).length, 1);

    const dup = addCreate(kv.atomic(), o);
    enqueueEvent(dup, "order.created", {
      orderId: o.id,
      customerId: o.customerId,
      items: [],
      total: o.total,
      createdAt: o.createdAt,
      number: 0,
      details: undefined,
    });
    assert.equal((await dup.commit()).ok, false, "an existing id is never overwritten");
    assert.equal((await keys(kv, OUTBOX_PREFIX)).length, 1, "and its event is not written either");
    assert.equal((await countOrders(kv)).pending, 1);
  });
});

Deno.test("addUpdate moves the status index entry and the counts, guarded by the versionstamp", async () => {
  await withKv(async (kv) => {
    const o = order("o1", "alice", 1000);
    await addCreate(kv.atomic(), o).commit();
    const read = (await getOrder(kv, "o1"))!;
    const paid = step(o, "paid");
    assert.equal((await addUpdate(kv.atomic(), read, paid).commit()).ok, true);
    assert.deepEqual(await keys(kv, BY_STATUS), [["orders_by_status", "paid", 1000, "o1"]]);
    const counts = await countOrders(kv);
    assert.equal(counts.pending, 0);
    assert.equal(counts.paid, 1);
    // A writer holding the old read loses.
    assert.equal((await addUpdate(kv.atomic(), read, step(o, "cancelled")).commit()).ok, false);
    assert.equal((await getOrder(kv, "o1"))?.order.status, "paid");
    assert.equal((await countOrders(kv)).cancelled, 0);
  });
});

Deno.test("listing is newest first, paged by the KV cursor, per customer and per status", async () => {
  await withKv(async (kv) => {
    for (let i = 0; i < 7; i++) {
      await addCreate(kv.atomic(), order(`o${i}`, i < 4 ? "alice" : "bob", 1000 + i)).commit();
    }
    const seen: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await listOrders(kv, undefined, 3, cursor);
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ["o6", "o5", "o4", "o3", "o2", "o1", "o0"]);
    assert.equal(pages, 3);
    const exact = await listCustomerOrders(kv, "alice", 4);
    assert.deepEqual(exact.orders.map((o) => o.id), ["o3", "o2", "o1", "o0"]);
    assert.equal(exact.nextCursor, "", "a page that ends the list exactly has no next cursor");
    const bob = await listCustomerOrders(kv, "bob", 2);
    assert.deepEqual(bob.orders.map((o) => o.id), ["o6", "o5"]);
    assert.deepEqual((await listCustomerOrders(kv, "bob", 2, bob.nextCursor)).orders.map((o) => o.id), [
      "o4",
    ]);
    assert.deepEqual((await listCustomerOrders(kv, "carol", 2)).orders, []);

    const e = (await getOrder(kv, "o2"))!;
    await addUpdate(kv.atomic(), e, step(e.order, "cancelled")).commit();
    assert.deepEqual((await listOrders(kv, "cancelled", 10)).orders.map((o) => o.id), ["o2"]);
    assert.equal((await listOrders(kv, "pending", 10)).orders.length, 6);
  });
});
