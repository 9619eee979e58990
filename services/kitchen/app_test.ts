import assert from "node:assert/strict";
import { OUTBOX_PREFIX } from "../common/bus/outbox.ts";
import type { OutboxRecord } from "../common/bus/types.ts";
import type { EventPayload } from "../common/events.ts";
import { createLogger } from "../common/log.ts";
import { consumerTx, unitOfWork } from "../common/unit_of_work.ts";
import { KitchenApp, openPaidTicket } from "./app.ts";
import { listTickets, ticketKey } from "./store.ts";

const log = createLogger("kitchen", "warn");

function paid(orderId: string, paidAt: Date | undefined): EventPayload<"order.paid"> {
  return {
    orderId,
    customerId: "c-1",
    items: [{ itemId: "1", name: "Margherita", quantity: 2, unitPrice: { amount: 850, currency: "EUR" } }],
    paidAt,
    number: 0,
    details: undefined,
  };
}

function appOver(kv: Deno.Kv, kicks = { count: 0 }): KitchenApp {
  return new KitchenApp({ kv, uow: unitOfWork({ kv, kick: () => kicks.count++, log }), log });
}

/** Opens a ticket as the consumer does: the use case in the consumer's operation, then its commit. */
async function open(kv: Deno.Kv, orderId: string, paidAtMs: number): Promise<boolean> {
  const op = kv.atomic();
  const added = await appOver(kv).orderPaid(consumerTx({ kv, op }), paid(orderId, new Date(paidAtMs)));
  assert.ok((await op.commit()).ok);
  return added;
}

async function outbox(kv: Deno.Kv): Promise<OutboxRecord[]> {
  const records: OutboxRecord[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) records.push(e.value);
  return records;
}

Deno.test("orderPaid opens one ticket per order however often order.paid arrives", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await open(kv, "o-1", 1000), true);
  assert.equal(await open(kv, "o-1", 2000), false);
  const tickets = await listTickets(kv);
  assert.equal(tickets.length, 1);
  assert.equal(tickets[0]!.paidAtMs, 1000);
  assert.equal(tickets[0]!.items[0]?.name, "Margherita");
});

Deno.test("orderPaid without paidAt queues the ticket by arrival time", async () => {
  using kv = await Deno.openKv(":memory:");
  const app = new KitchenApp({
    kv,
    uow: unitOfWork({ kv, kick: () => {}, log }),
    log,
    now: () => new Date(7000),
  });
  const op = kv.atomic();
  assert.equal(await app.orderPaid(consumerTx({ kv, op }), paid("o-1", undefined)), true);
  assert.ok((await op.commit()).ok);
  assert.equal((await app.getTicket("o-1")).paidAtMs, 7000);
});

Deno.test("openPaidTicket checks the ticket is still absent when its operation commits", async () => {
  using kv = await Deno.openKv(":memory:");
  const op = kv.atomic();
  const input = { orderId: "o-1", items: [], paidAtMs: 1000 };
  assert.equal(await openPaidTicket(consumerTx({ kv, op }), input, new Date()), true);
  await open(kv, "o-1", 1000);
  assert.equal((await op.commit()).ok, false);
  assert.equal((await listTickets(kv)).length, 1);
});

Deno.test("moveTicket writes the ticket and its event in one commit and wakes the relay", async () => {
  using kv = await Deno.openKv(":memory:");
  const kicks = { count: 0 };
  const app = appOver(kv, kicks);
  await open(kv, "o-1", 1000);
  const started = await app.startTicket("o-1", { at: new Date(5000) });
  assert.equal(started.status, "preparing");
  let records = await outbox(kv);
  assert.deepEqual(records.map((r) => r.routingKey), ["kitchen.ticket_started"]);
  assert.deepEqual(JSON.parse(records[0]!.body), { orderId: "o-1", startedAt: new Date(5000).toISOString() });
  assert.ok(records[0]!.traceparent);
  await app.completeTicket("o-1", { at: new Date(9000) });
  records = await outbox(kv);
  assert.deepEqual(records.map((r) => r.routingKey), ["kitchen.ticket_started", "kitchen.ticket_ready"]);
  assert.deepEqual(JSON.parse(records[1]!.body), { orderId: "o-1", readyAt: new Date(9000).toISOString() });
  const stored = (await kv.get(ticketKey("o-1"))).value;
  assert.deepEqual(stored, {
    ...started,
    status: "ready",
    readyAtMs: 9000,
    stations: [{ station: "", status: "ready", startedAtMs: 5000, readyAtMs: 9000 }],
    lastMove: { action: "complete", stations: [""], atMs: 9000 },
  });
  assert.equal(kicks.count, 2);
});

Deno.test("moveTicket rejected: nothing written, no event", async () => {
  using kv = await Deno.openKv(":memory:");
  const app = appOver(kv);
  await open(kv, "o-1", 1000);
  await assert.rejects(() => app.completeTicket("o-1"), /is queued, cannot complete/);
  await assert.rejects(() => app.startTicket("nope"), /No kitchen ticket for order nope/);
  await assert.rejects(() => app.startTicket(" "), /Order id must not be empty/);
  assert.deepEqual(await outbox(kv), []);
  assert.equal((await listTickets(kv, "queued")).length, 1);
});

Deno.test("concurrent starts of one ticket: exactly one wins, one event", async () => {
  using kv = await Deno.openKv(":memory:");
  const app = appOver(kv);
  await open(kv, "o-1", 1000);
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => app.startTicket("o-1")));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  assert.equal((await outbox(kv)).length, 1);
});

Deno.test("getTicket names the order it has no ticket for", async () => {
  using kv = await Deno.openKv(":memory:");
  await assert.rejects(() => appOver(kv).getTicket("o-9"), /No kitchen ticket for order o-9/);
});

Deno.test("a bump adds its prep time to the station's running sums in the same commit; its undo takes it back", async () => {
  using kv = await Deno.openKv(":memory:");
  let now = new Date("2026-01-01T12:00:00Z");
  const app = new KitchenApp({ kv, uow: unitOfWork({ kv, kick: () => {}, log }), log, now: () => now });
  const op = kv.atomic();
  await app.orderPaid(consumerTx({ kv, op }), {
    ...paid("o-1", now),
    items: [
      { itemId: "1", name: "Margherita", quantity: 1, unitPrice: undefined, station: "oven" },
      { itemId: "9", name: "Lemonade", quantity: 1, unitPrice: undefined, station: "bar" },
    ],
  });
  assert.ok((await op.commit()).ok);
  await app.startTicket("o-1", { by: "Ada" });
  now = new Date(now.getTime() + 4 * 60_000);
  await app.completeTicket("o-1", { station: "bar", by: "Ada" });
  now = new Date(now.getTime() + 6 * 60_000);
  await app.completeTicket("o-1", { station: "oven", by: "Ada" });
  const since = new Date("2026-01-01T00:00:00Z");
  assert.deepEqual(await app.stats(since), [
    { station: "bar", count: 1, averagePrepMs: 4 * 60_000 },
    { station: "oven", count: 1, averagePrepMs: 10 * 60_000 },
  ]);
  await app.undoTicket("o-1", { by: "Ada" });
  assert.deepEqual(await app.stats(since), [
    { station: "bar", count: 1, averagePrepMs: 4 * 60_000 },
    { station: "oven", count: 0, averagePrepMs: 0 },
  ]);
  now = new Date("2026-01-02T12:10:00Z");
  assert.deepEqual(await app.stats(new Date("2026-01-02T00:00:00Z")), [], "the next day has its own sums");
});
