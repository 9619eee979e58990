import assert from "node:assert/strict";
import { createLogger } from "../common/log.ts";
import type { OrderAnswer } from "./domain/order_fate.ts";
import type { StockReservation } from "./domain/reservation.ts";
import type { OrderDirectory } from "./order_directory.ts";
import { listItems, reservationKey, seedCatalog, UNCONFIRMED } from "./store.ts";
import { reserveItems } from "./app.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { startSweeper, sweepOverdue } from "./sweeper.ts";

const log = createLogger("stock", "error");
const T0 = new Date("2025-01-01T12:00:00Z");
const TTL = 60_000;

async function reservationOf(kv: Deno.Kv, orderId: string): Promise<StockReservation | null> {
  return (await kv.get<StockReservation>(reservationKey(orderId))).value;
}

/** Orders as a map of answers; records every batch it was asked. */
function fakeOrders(answers: Record<string, OrderAnswer>): OrderDirectory & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    lookup(ids) {
      asked.push([...ids]);
      const found = new Map<string, OrderAnswer>();
      for (const id of ids) if (answers[id]) found.set(id, answers[id]);
      return Promise.resolve(found);
    },
  };
}

const unreachable: OrderDirectory = {
  lookup: () => Promise.reject(new Error("The orders service is unavailable (connection refused)")),
};

Deno.test("the sweeper keeps every order that can still pay or has paid, and releases cancelled and non-existent orders' reservations", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const states = ["pending", "waiting_payment", "paid", "cancelled"] as const;
  for (const id of [...states, "never-stored"]) {
    await reserveItems(
      unitOfWork({ kv: kv, kick: () => {}, log }),
      id,
      [{ itemId: "1", quantity: 1 }],
      () => T0,
    );
  }
  const orders = fakeOrders({
    ...Object.fromEntries(states.map((s) => [s, { exists: true, state: s } as const])),
    "never-stored": { exists: false },
  });
  const result = await sweepOverdue({ kv, log, orders, ttlMs: TTL, now: () => new Date(T0.getTime() + TTL) });
  assert.deepEqual(result, { released: 2, confirmed: 3, kept: 0 });
  assert.equal(orders.asked.length, 1, "one batch, one question");
  for (const id of ["pending", "waiting_payment", "paid"]) {
    const r = (await reservationOf(kv, id))!;
    assert.deepEqual([r.status, r.confirmedBy], ["reserved", "orders"], id);
  }
  assert.equal((await reservationOf(kv, "cancelled"))!.releasedBecause, "cancelled");
  assert.equal((await reservationOf(kv, "never-stored"))!.releasedBecause, "no_order");
  const item = (await listItems(kv))[0]!;
  assert.deepEqual([item.available, item.reserved], [25 - 3, 3]);
  assert.equal((await Array.fromAsync(kv.list({ prefix: UNCONFIRMED }))).length, 0, "none asked about again");
});

Deno.test("the sweeper releases nothing while orders cannot be asked, then decides once it answers", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  await reserveItems(unitOfWork({ kv: kv, kick: () => {}, log }), "paid-in-outage", [{
    itemId: "2",
    quantity: 2,
  }], () => T0);
  await reserveItems(unitOfWork({ kv: kv, kick: () => {}, log }), "never-stored", [{
    itemId: "2",
    quantity: 1,
  }], () => T0);
  const now = () => new Date(T0.getTime() + 10 * TTL);
  const down = await sweepOverdue({ kv, log, orders: unreachable, ttlMs: TTL, now });
  assert.deepEqual(down, { released: 0, confirmed: 0, kept: 2 });
  assert.equal((await reservationOf(kv, "paid-in-outage"))!.status, "reserved");
  assert.equal((await reservationOf(kv, "never-stored"))!.status, "reserved");

  const silent = await sweepOverdue({ kv, log, orders: fakeOrders({}), ttlMs: TTL, now });
  assert.deepEqual(silent, { released: 0, confirmed: 0, kept: 2 }, "no answer for an order is no answer");

  const back = fakeOrders({
    "paid-in-outage": { exists: true, state: "paid" },
    "never-stored": { exists: false },
  });
  assert.deepEqual(await sweepOverdue({ kv, log, orders: back, ttlMs: TTL, now }), {
    released: 1,
    confirmed: 1,
    kept: 0,
  });
  assert.equal((await reservationOf(kv, "paid-in-outage"))!.status, "reserved");
  assert.equal((await reservationOf(kv, "never-stored"))!.status, "released");
});

Deno.test("a checkout retried while the sweeper asks about its reservation renews the hold: the units stay held for the order", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const uow = () => unitOfWork({ kv: kv, kick: () => {}, log });
  const lines = [{ itemId: "3", quantity: 2 }];
  // the first attempt reserved, then orders died before storing the order
  await reserveItems(uow(), "retried", lines, () => T0);
  const retryAt = new Date(T0.getTime() + TTL + 5);
  // orders does not have the order when asked; the retry reserves again before the sweep decides
  const orders: OrderDirectory = {
    async lookup() {
      const again = await reserveItems(uow(), "retried", lines, () => retryAt);
      assert.equal(again.status, "reserved");
      return new Map([["retried", { exists: false } as const]]);
    },
  };
  const swept = await sweepOverdue({
    kv,
    log,
    orders,
    ttlMs: TTL,
    now: () => new Date(T0.getTime() + TTL + 10),
  });
  assert.deepEqual(swept, { released: 0, confirmed: 0, kept: 0 }, "the entry it read was renewed");
  const r = (await reservationOf(kv, "retried"))!;
  assert.deepEqual([r.status, r.heldSince], ["reserved", retryAt.toISOString()]);
  const item3 = (await listItems(kv)).find((i) => i.id === "3")!;
  assert.equal(item3.reserved, 2, "still held, once");
  const index = await Array.fromAsync(kv.list<string>({ prefix: UNCONFIRMED }));
  assert.deepEqual(index.map((e) => e.key), [[...UNCONFIRMED, retryAt.getTime(), "retried"]]);

  // one TTL after the retry, orders (which stored the order meanwhile) is asked again and confirms it
  const later = () => new Date(retryAt.getTime() + TTL);
  const stored = fakeOrders({ retried: { exists: true, state: "waiting_payment" } });
  assert.deepEqual(await sweepOverdue({ kv, log, orders: stored, ttlMs: TTL, now: later }), {
    released: 0,
    confirmed: 1,
    kept: 0,
  });
  assert.equal((await reservationOf(kv, "retried"))!.confirmedBy, "orders");

  // a confirmed reservation asked for again is returned as it is, with no commit
  const before = (await kv.get(reservationKey("retried"))).versionstamp;
  await reserveItems(uow(), "retried", lines, later);
  assert.equal((await kv.get(reservationKey("retried"))).versionstamp, before);
});

Deno.test("the sweeper asks only about reservations older than the TTL, in batches", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  for (let n = 0; n < 5; n++) {
    await reserveItems(unitOfWork({ kv: kv, kick: () => {}, log }), `old-${n}`, [{
      itemId: "9",
      quantity: 1,
    }], () => new Date(T0.getTime() + n));
  }
  await reserveItems(
    unitOfWork({ kv: kv, kick: () => {}, log }),
    "young",
    [{ itemId: "9", quantity: 1 }],
    () => new Date(T0.getTime() + TTL),
  );
  const answers = fakeOrders(
    Object.fromEntries(Array.from({ length: 5 }, (_, n) => [`old-${n}`, { exists: false } as const])),
  );
  const result = await sweepOverdue({
    kv,
    log,
    orders: answers,
    ttlMs: TTL,
    batchSize: 2,
    now: () => new Date(T0.getTime() + TTL + 4),
  });
  assert.equal(result.released, 5);
  assert.deepEqual(answers.asked, [["old-0", "old-1"], ["old-2", "old-3"], ["old-4"]]);
  assert.equal((await reservationOf(kv, "young"))!.status, "reserved");
});

Deno.test("the sweeper waits one TTL after starting before its first sweep", async () => {
  using kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  let clock = T0.getTime();
  await reserveItems(
    unitOfWork({ kv: kv, kick: () => {}, log }),
    "old",
    [{ itemId: "1", quantity: 1 }],
    () => new Date(clock - 10 * TTL),
  );
  const orders = fakeOrders({ old: { exists: false } });
  const sweeper = startSweeper({ kv, log, orders, ttlMs: TTL, intervalMs: 10, now: () => new Date(clock) });
  try {
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(orders.asked, [], "no question during the start-up grace");
    assert.equal((await reservationOf(kv, "old"))!.status, "reserved");
    clock += TTL;
    const end = Date.now() + 5_000;
    while ((await reservationOf(kv, "old"))!.status !== "released" && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal((await reservationOf(kv, "old"))!.status, "released");
  } finally {
    await sweeper.stop();
  }
});
