import assert from "node:assert/strict";
import { OUTBOX_PREFIX } from "../common/bus/outbox.ts";
import type { OutboxRecord } from "../common/bus/types.ts";
import type { EventPayload } from "../common/events.ts";
import { addPaidTicket, listTickets, ticketKey, transitionTicket } from "./store.ts";

function paid(orderId: string): EventPayload<"order.paid"> {
  return {
    orderId,
    customerId: "c-1",
    items: [{ itemId: "1", name: "Margherita", quantity: 2, unitPrice: { amount: 850, currency: "EUR" } }],
    paidAt: new Date(),
  };
}

async function open(kv: Deno.Kv, orderId: string, paidAtMs: number): Promise<boolean> {
  const op = kv.atomic();
  const added = await addPaidTicket({ kv, op }, paid(orderId), paidAtMs);
  assert.ok((await op.commit()).ok);
  return added;
}

async function outbox(kv: Deno.Kv): Promise<OutboxRecord[]> {
  const records: OutboxRecord[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) records.push(e.value);
  return records;
}

Deno.test("addPaidTicket opens one ticket per order however often order.paid arrives", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await open(kv, "o-1", 1000), true);
  assert.equal(await open(kv, "o-1", 2000), false);
  const tickets = await listTickets(kv);
  assert.equal(tickets.length, 1);
  assert.equal(tickets[0]!.paidAtMs, 1000);
  assert.equal(tickets[0]!.items[0]?.name, "Margherita");
});

Deno.test("addPaidTicket checks the ticket is still absent when its operation commits", async () => {
  using kv = await Deno.openKv(":memory:");
  const op = kv.atomic();
  assert.equal(await addPaidTicket({ kv, op }, paid("o-1"), 1000), true);
  await open(kv, "o-1", 1000);
  assert.equal((await op.commit()).ok, false);
  assert.equal((await listTickets(kv)).length, 1);
});

Deno.test("listTickets returns the queue oldest payment first, optionally by status", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "late", 3000);
  await open(kv, "early", 1000);
  await open(kv, "middle", 2000);
  // more than one getMany batch
  for (let i = 0; i < 12; i++) await open(kv, `bulk-${i}`, 10_000 + i);
  const all = await listTickets(kv);
  assert.deepEqual(all.slice(0, 3).map((t) => t.orderId), ["early", "middle", "late"]);
  assert.equal(all.length, 15);
  await transitionTicket(kv, "middle", "start");
  assert.deepEqual((await listTickets(kv, "preparing")).map((t) => t.orderId), ["middle"]);
  assert.deepEqual((await listTickets(kv, "queued")).slice(0, 2).map((t) => t.orderId), ["early", "late"]);
  assert.deepEqual((await listTickets(kv, "ready")).map((t) => t.orderId), []);
});

Deno.test("transitionTicket writes the ticket and its event in one commit", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1", 1000);
  const started = await transitionTicket(kv, "o-1", "start", { now: () => new Date(5000) });
  assert.equal(started.status, "preparing");
  let records = await outbox(kv);
  assert.deepEqual(records.map((r) => r.routingKey), ["kitchen.ticket_started"]);
  assert.deepEqual(JSON.parse(records[0]!.body), { orderId: "o-1", startedAt: new Date(5000).toISOString() });
  assert.ok(records[0]!.traceparent);
  await transitionTicket(kv, "o-1", "complete", { now: () => new Date(9000) });
  records = await outbox(kv);
  assert.deepEqual(records.map((r) => r.routingKey), ["kitchen.ticket_started", "kitchen.ticket_ready"]);
  assert.deepEqual(JSON.parse(records[1]!.body), { orderId: "o-1", readyAt: new Date(9000).toISOString() });
  const stored = (await kv.get(ticketKey("o-1"))).value;
  assert.deepEqual(stored, { ...started, status: "ready", readyAtMs: 9000 });
});

Deno.test("transitionTicket rejected: nothing written, no event", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1", 1000);
  await assert.rejects(() => transitionTicket(kv, "o-1", "complete"), /is queued, cannot complete/);
  await assert.rejects(() => transitionTicket(kv, "nope", "start"), /No kitchen ticket for order nope/);
  assert.deepEqual(await outbox(kv), []);
  assert.equal((await listTickets(kv, "queued")).length, 1);
});

Deno.test("concurrent starts of one ticket: exactly one wins, one event", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1", 1000);
  const results = await Promise.allSettled(
    Array.from({ length: 5 }, () => transitionTicket(kv, "o-1", "start")),
  );
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  assert.equal((await outbox(kv)).length, 1);
});
