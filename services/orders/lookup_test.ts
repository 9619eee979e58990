import assert from "node:assert/strict";
import { DomainError } from "../common/domain_error.ts";
import { OrderStatus } from "../common/gen/oms/orders/v1/orders.ts";
import { newOrder } from "./domain/order.ts";
import { lookupOrders, MAX_LOOKUP } from "./lookup.ts";
import { addCreate } from "./store.ts";

async function store(kv: Deno.Kv, id: string): Promise<void> {
  const order = newOrder({
    id,
    customerId: "c-1",
    items: [{ itemId: "1", name: "Margherita", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    at: new Date(),
    cause: "customer",
    traceId: "",
  });
  assert.ok((await addCreate(kv.atomic(), order).commit()).ok);
}

Deno.test("lookupOrders answers each id in request order: stored ones with their status, others as not existing", async () => {
  using kv = await Deno.openKv(":memory:");
  const ids = Array.from({ length: 12 }, (_, n) => `o-${n}`);
  for (const id of ids.slice(0, 11)) await store(kv, id);
  const asked = ["ghost", ...ids, "", "x".repeat(65), "o-3"];
  const { orders } = await lookupOrders(kv, asked);
  assert.deepEqual(orders.map((o) => o.orderId), asked);
  const exists = (id: string) => orders.find((o) => o.orderId === id)!;
  for (const id of ids.slice(0, 11)) {
    assert.deepEqual([exists(id).exists, exists(id).status], [true, OrderStatus.ORDER_STATUS_PENDING]);
  }
  for (const id of ["ghost", "o-11", "", "x".repeat(65)]) {
    assert.deepEqual([exists(id).exists, exists(id).status], [false, OrderStatus.ORDER_STATUS_UNSPECIFIED]);
  }
});

Deno.test("lookupOrders refuses an empty or oversized batch, naming order_ids", async () => {
  using kv = await Deno.openKv(":memory:");
  for (const n of [0, MAX_LOOKUP + 1]) {
    await assert.rejects(
      lookupOrders(kv, Array.from({ length: n }, (_, i) => `o-${i}`)),
      (err: unknown) =>
        err instanceof DomainError && err.code === "invalid_argument" && err.field === "order_ids",
    );
  }
});
