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

Deno.test("a unit of work hands the commit's versionstamp to afterCommit; changeOrder given it reads nothing, and a stale one re-runs on a read", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const uow = unitOfWork({ kv, kick: () => {}, log });
    let vs = "";
    await uow.run(async (tx) => {
      addCreate(tx.op, order("o1"));
      tx.afterCommit((v) => vs = v ?? "");
      return await Promise.resolve();
    });
    assert.equal(vs, (await getOrder(kv, "o1"))!.versionstamp, "the order's versionstamp");
    const known = { order: order("o1"), versionstamp: vs };
    const toPaid = (o: Order) => ({ order: step(o, "waiting_payment"), events: [] });
    let reads = 0;
    const counting = (tx: Parameters<Parameters<typeof uow.run>[0]>[0]) => ({
      ...tx,
      kv: new Proxy(tx.kv, {
        get(target, prop) {
          if (prop === "get" || prop === "getMany") reads++; // getOrder reads the order and its index marker at once
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    });
    await uow.run((tx) => changeOrder(counting(tx), "o1", toPaid, undefined, known));
    assert.equal(reads, 0, "the known entry stood in for the read");
    assert.equal((await getOrder(kv, "o1"))!.order.status, "waiting_payment");

    // `known` is stale now: its check fails, and the re-run (without it) reads the order
    let attempt = 0;
    await uow.run((tx) =>
      changeOrder(
        counting(tx),
        "o1",
        (o) => ({ order: step(o, "cancelled"), events: [] }),
        undefined,
        [
          known,
        ][attempt++],
      )
    );
    assert.equal(reads, 1);
    const after = (await getOrder(kv, "o1"))!.order;
    assert.deepEqual(after.timeline.map((t) => t.status), ["pending", "waiting_payment", "cancelled"]);
  } finally {
    kv.close();
  }
});
