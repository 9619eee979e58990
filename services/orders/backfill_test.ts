import assert from "node:assert/strict";
import type { Logger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { newOrder } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import { backfillIndexes } from "./backfill.ts";
import { create, details, move, withKv } from "./indexes_testing.ts";
import { getCustomer } from "./figures/customers.ts";
import { orderStats } from "./figures/stats.ts";
import { searchOrders } from "./search/search.ts";
import { BY_STATUS, BY_TIME, COUNTS, orderKey } from "./store.ts";

const T0 = Date.UTC(2026, 10, 30, 9, 0);

/** Stores an order the way a version without the indexes did (order, status and time index, counter). */
async function legacyOrder(kv: Deno.Kv, n: number, paid: boolean) {
  let o = newOrder({
    id: crypto.randomUUID(),
    customerId: `old${n % 4}`,
    items: [],
    total: { amount: 100, currency: "EUR" },
    at: new Date(T0 + n * 1000),
    cause: "customer",
    traceId: "",
    number: 500 + n,
    details: details(`Legacy Person${n}`),
  });
  if (paid) o = transition(o, "paid", { cause: "t", at: new Date(T0 + n * 1000 + 10), traceId: "" }).order!;
  await kv.atomic().set(orderKey(o.id), o).set([...BY_STATUS, o.status, T0 + n * 1000, o.id], o.id)
    .set([...BY_TIME, T0 + n * 1000, o.id], o.id).sum([...COUNTS, o.status], 1n).commit();
  return o;
}

Deno.test("the back-fill indexes older orders in batches, once, without counting a change twice", async () => {
  await withKv(async (kv) => {
    const lines: string[] = [];
    const note = (msg: string, fields?: Record<string, unknown>) =>
      lines.push(`${msg} ${JSON.stringify(fields)}`);
    const log: Logger = { debug: note, info: note, warn: note, error: note };
    const uow = unitOfWork({ kv, kick: () => {}, log });
    const old = [];
    for (let i = 0; i < 25; i++) old.push(await legacyOrder(kv, i, i % 2 === 0));
    const fresh = await create(kv, { at: T0 + 100_000, customerId: "new", details: details("Newer") });
    // an old order changes before the back-fill reaches it: the change is counted by the back-fill only
    await move(kv, old[1]!.id, T0 + 50_000, "paid");
    assert.deepEqual(
      (await searchOrders(kv, { query: "#507", statuses: [], paymentStates: [], pageSize: 5, cursor: "" }))
        .orders,
      [],
    );

    const res = await backfillIndexes({ kv, uow, log, batch: 10 });
    assert.equal(res.indexed, 25);
    assert.equal(res.scanned, 26);
    assert.ok(lines.filter((l) => l.includes("search index back-fill")).length >= 3, lines.join("\n"));

    const found = await searchOrders(kv, {
      query: "#507",
      statuses: [],
      paymentStates: [],
      pageSize: 5,
      cursor: "",
    });
    assert.deepEqual(found.orders.map((o) => o.id), [old[7]!.id]);
    const s = await orderStats(kv, new Date(T0 - 3_600_000));
    assert.equal(s.orders, 26);
    assert.equal(s.revenue, 14 * 100); // 13 paid at creation + old[1] paid later
    const c = await getCustomer(kv, "old3");
    assert.equal(c?.orderCount, 6);
    assert.equal(c?.name, "Legacy Person23"); // the newest of their orders
    assert.equal((await getCustomer(kv, fresh.customerId))?.orderCount, 1);

    // later changes of back-filled orders count normally; a second run does nothing
    await move(kv, old[3]!.id, T0 + 60_000, "paid");
    assert.equal((await orderStats(kv, new Date(T0 - 3_600_000))).revenue, 15 * 100);
    assert.deepEqual(await backfillIndexes({ kv, uow, log }), { scanned: 0, indexed: 0 });
  });
});
