import assert from "node:assert/strict";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { changeOrder } from "./app.ts";
import { newOrder, type Order } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import { addCreate, addUpdate, countOrders, getOrder } from "./store.ts";

const log = createLogger("orders", "error");

function order(id: string): Order {
  return newOrder({
    id,
    customerId: "alice",
    items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    at: new Date(1000),
    cause: "customer",
    traceId: "",
  });
}

function step(o: Order, to: Order["status"]): Order {
  return transition(o, to, { cause: "test", at: new Date(o.updatedAt.getTime() + 1), traceId: "" }).order!;
}

Deno.test("changeOrder in a unit of work re-runs on a conflicting write and never loses either change", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await addCreate(kv.atomic(), order("o1")).commit();
    const uow = unitOfWork({ kv, kick: () => {}, log });
    let calls = 0;
    const result = await uow.run(async (tx) => {
      const { decision } = await changeOrder(tx, "o1", (current) => {
        const r = transition(current, "paid", { cause: "test", at: new Date(5000), traceId: "" });
        return r.order ? { order: r.order, events: [] } : { ignored: r.ignored };
      });
      calls++;
      if (calls === 1) {
        // Someone else moves the order between our read and our commit.
        const e = (await getOrder(kv, "o1"))!;
        await addUpdate(kv.atomic(), e, step(e.order, "waiting_payment")).commit();
      }
      return decision.order!;
    });
    assert.equal(calls, 2);
    assert.equal(result.status, "paid");
    assert.deepEqual(result.timeline.map((t) => t.status), ["pending", "waiting_payment", "paid"]);
    const counts = await countOrders(kv);
    assert.deepEqual([counts.pending, counts.waiting_payment, counts.paid], [0, 0, 1]);
  } finally {
    kv.close();
  }
});
