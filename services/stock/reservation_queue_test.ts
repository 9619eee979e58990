import assert from "node:assert/strict";
import { DomainError } from "../common/domain_error.ts";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { reserveItems } from "./app.ts";
import type { StockItem } from "./domain/item.ts";
import { ReservationQueue } from "./reservation_queue.ts";
import { itemKey, reservationKey, seedCatalog } from "./store.ts";
import { countCommits } from "../common/kv_testing.ts";

const log = createLogger("stock", "error");

/** A seeded store whose commits are counted (succeeded and failed), and its unit of work. */
async function countedStore() {
  const kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const commits = countCommits(kv);
  const uow = unitOfWork({ kv, kick: () => {}, log, maxAttempts: 100 });
  return { kv, uow, commits, [Symbol.dispose]: () => kv.close() };
}

async function item(kv: Deno.Kv, id: string): Promise<StockItem> {
  return (await kv.get<StockItem>(itemKey(id))).value!;
}

async function setAvailable(kv: Deno.Kv, id: string, available: number): Promise<void> {
  await kv.set(itemKey(id), { ...await item(kv, id), available, reserved: 0, sold: 0 });
}

Deno.test("ReserveItems asked at the same time commit together: one commit for the waiting ones, none conflicting", async () => {
  using store = await countedStore();
  await setAvailable(store.kv, "1", 100);
  const queue = new ReservationQueue(store.uow);
  const reservations = await Promise.all(
    Array.from({ length: 20 }, (_, i) => queue.reserve(`o-${i}`, [{ itemId: "1", quantity: 1 }])),
  );
  assert.deepEqual(reservations.map((r) => r.orderId), Array.from({ length: 20 }, (_, i) => `o-${i}`));
  const after = await item(store.kv, "1");
  assert.deepEqual([after.available, after.reserved], [80, 20]);
  assert.equal(queue.batches, 2, "the first alone, the 19 that came while it committed together");
  assert.deepEqual(store.commits, { ok: 2, failed: 0 });

  // the same calls one commit each, as before the queue: they conflict on the item's record
  const before = { ...store.commits };
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => reserveItems(store.uow, `p-${i}`, [{ itemId: "1", quantity: 1 }])),
  );
  assert.ok(
    store.commits.ok - before.ok === 20 && store.commits.failed > before.failed,
    "the baseline conflicts",
  );
});

Deno.test("in one batch a request the rules refuse fails alone, and later requests see what earlier ones took", async () => {
  using store = await countedStore();
  await setAvailable(store.kv, "2", 3);
  const queue = new ReservationQueue(store.uow);
  const first = queue.reserve("o-0", [{ itemId: "3", quantity: 1 }]); // commits alone; the rest wait
  const asked = [
    queue.reserve("o-a", [{ itemId: "2", quantity: 2 }]),
    queue.reserve("o-b", [{ itemId: "2", quantity: 2 }]),
    queue.reserve("o-c", [{ itemId: "2", quantity: 1 }, { itemId: "3", quantity: 1 }]),
    queue.reserve("o-d", [{ itemId: "nope", quantity: 1 }]),
  ];
  await first;
  const settled = await Promise.allSettled(asked);
  assert.equal(queue.batches, 2);
  assert.deepEqual(settled.map((s) => s.status), ["fulfilled", "rejected", "fulfilled", "rejected"]);
  const codes = settled.map((s) => s.status === "rejected" ? (s.reason as DomainError).code : "ok");
  assert.deepEqual(codes, ["ok", "out_of_stock", "ok", "unknown_item"]);
  const two = await item(store.kv, "2");
  assert.deepEqual([two.available, two.reserved], [0, 3]);
  assert.equal((await store.kv.get(reservationKey("o-b"))).value, null, "the refused order holds nothing");
  assert.equal((await store.kv.get(reservationKey("o-d"))).value, null);
});

Deno.test("an order asked for twice in one batch is held once; with other lines the second ask is refused", async () => {
  using store = await countedStore();
  await setAvailable(store.kv, "1", 10);
  const queue = new ReservationQueue(store.uow);
  const first = queue.reserve("o-0", [{ itemId: "4", quantity: 1 }]);
  const twice = [
    queue.reserve("o-x", [{ itemId: "1", quantity: 2 }]),
    queue.reserve("o-x", [{ itemId: "1", quantity: 1 }, { itemId: "1", quantity: 1 }]), // the same, merged
    queue.reserve("o-x", [{ itemId: "1", quantity: 3 }]),
  ];
  await first;
  const [a, b, c] = (await Promise.allSettled(twice)).map((s) =>
    s.status === "fulfilled" ? s.value : (s.reason as DomainError).code
  );
  assert.equal(queue.batches, 2);
  assert.equal(typeof a, "object");
  assert.deepEqual(a, b);
  assert.equal(c, "already_exists");
  const one = await item(store.kv, "1");
  assert.deepEqual([one.available, one.reserved], [8, 2]);
});

Deno.test("a batch stays within KV's 100 checks: requests that would exceed them wait for the next batch", async () => {
  using store = await countedStore();
  const queue = new ReservationQueue(store.uow);
  const unknown = (tag: string) =>
    Array.from({ length: 50 }, (_, i) => ({ itemId: `${tag}-${i}`, quantity: 1 }));
  const first = queue.reserve("o-0", [{ itemId: "1", quantity: 1 }]);
  const a = queue.reserve("o-a", unknown("a")); // 51 checks
  const b = queue.reserve("o-b", unknown("b")); // 51 more: over 100 with a
  const c = queue.reserve("o-c", [{ itemId: "1", quantity: 1 }]);
  await first;
  const settled = await Promise.allSettled([a, b, c]);
  assert.deepEqual(settled.map((s) => s.status === "rejected" ? (s.reason as DomainError).code : "ok"), [
    "unknown_item",
    "unknown_item",
    "ok",
  ]);
  assert.equal(queue.batches, 3, "o-a alone, then o-b with o-c");
});

Deno.test("a request that is not valid is refused before it waits", () => {
  const queue = new ReservationQueue(unitOfWork({ kv: {} as Deno.Kv, kick: () => {}, log }));
  assert.throws(() => queue.reserve("", [{ itemId: "1", quantity: 1 }]), DomainError);
  assert.throws(() => queue.reserve("o-1", []), DomainError);
  assert.equal(queue.batches, 0);
});

Deno.test("a batch the store fails is each of its requests' error, and the queue goes on", async () => {
  using store = await countedStore();
  const queue = new ReservationQueue(store.uow);
  const getMany = store.kv.getMany.bind(store.kv);
  let failing = true;
  store.kv.getMany = ((keys: Deno.KvKey[], opts?: { consistency?: Deno.KvConsistencyLevel }) => {
    if (failing) return Promise.reject(new Error("disk on fire"));
    return getMany(keys, opts);
  }) as typeof store.kv.getMany;
  const first = queue.reserve("o-0", [{ itemId: "1", quantity: 1 }]);
  const second = queue.reserve("o-1", [{ itemId: "1", quantity: 1 }]);
  await assert.rejects(first, /disk on fire/);
  await assert.rejects(second, /disk on fire/);
  failing = false;
  const third = await queue.reserve("o-2", [{ itemId: "1", quantity: 1 }]);
  assert.equal(third.orderId, "o-2");
});
